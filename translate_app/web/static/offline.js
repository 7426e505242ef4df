// Offline work: download this language's catalog for Poedit or another tool, and upload it back.
// The upload's report lists the entries changed here since the download, to resolve as in the editor:
// keep the text here, or save yours over it.
(function () {
  "use strict";
  const T = window.TASuggest;
  if (!T || !document.getElementById("editor")) return;
  const {el, button, api} = T;
  const panel = T.toolPanel("offline-panel", "Work offline");
  if (!panel) return;
  const body = panel.querySelector(".tool-body");
  const file = el("input", {type: "file", accept: ".po,text/x-gettext-translation", class: "offline-file", "aria-label": "Catalog to upload"});
  const report = el("div", {class: "offline-report", "aria-live": "polite"});
  const form = el("div", {class: "offline-form"});
  form.append(el("a", {href: `${T.base}/catalog.po`, class: "button secondary offline-download", download: ""}, "Download the catalog (.po)"),
              file, button("Upload", "offline-upload", send));
  body.append(el("p", {class: "meta"}, "Translate in Poedit or another tool, then upload the file you downloaded. " +
                                       "New text over approved text becomes a suggestion."), form, report);

  async function send() {
    if (!file.files.length) { report.replaceChildren(el("p", {class: "error"}, "Choose the .po file first.")); return; }
    const data = new FormData();
    data.append("file", file.files[0]);
    report.replaceChildren(el("p", {class: "meta"}, "Uploading…"));
    const {status, data: r} = await T.upload("/upload", data);
    if (status !== 200) { report.replaceChildren(el("p", {class: "error", role: "alert"}, `Nothing was changed: ${r.error || "error " + status}`)); return; }
    const parts = [`${r.saved} saved`, `${r.approved} approved`, `${r.suggested} suggested`, `${r.unchanged} unchanged`];
    if (r.conflicts.length) parts.push(`${r.conflicts.length} changed here since your download`);
    if (r.skipped.length) parts.push(`${r.skipped.length} skipped`);
    if (r.refused.length) parts.push(`${r.refused.length} refused`);
    if (r.unknown) parts.push(`${r.unknown} not in this release any more`);
    report.replaceChildren(el("p", {class: "offline-summary", role: "status"}, parts.join(", ") + "."));
    r.conflicts.forEach(c => report.append(conflict(c)));
    const notes = el("ul", {class: "offline-notes"});
    r.skipped.forEach(s => notes.append(el("li", {}, `Skipped “${s.source.slice(0, 60)}”: ${s.reason}`)));
    r.refused.forEach(s => notes.append(el("li", {}, `Refused “${(s.source || s.id).slice(0, 60)}”: ${s.message}`)));
    if (notes.children.length) report.append(notes);
  }

  function conflict(c) {
    const box = el("div", {class: "offline-conflict", role: "alert"});
    const who = c.current.translated_by ? ` (by ${c.current.translated_by})` : "";
    box.append(el("div", {class: "source", lang: "en"}, c.source),
               el("div", {}, `Here now${who}, ${c.current.state}:`), el("div", {class: "theirs", lang: T.language}, c.current.translation || "(empty)"),
               el("div", {}, "Yours:"), el("div", {class: "yours", lang: T.language}, c.yours));
    const status = el("span", {class: "status", role: "status"});
    box.append(button("Keep the text here", "secondary", () => { box.replaceChildren(el("p", {class: "meta"}, `Kept the text here for “${c.source.slice(0, 40)}”.`)); }),
               button("Save mine over it", "", async () => {
                 const {status: code, data} = await api("PUT", `/segments/${c.id}`, {translation: c.yours, version: c.current.version});
                 if (code === 200 || code === 202) {
                   box.replaceChildren(el("p", {class: "ok"}, code === 202 ? "Yours is a suggestion now (the text here is approved)." : "Yours is saved."));
                   const ta = document.querySelector(`#seg-${c.id} textarea`);
                   if (ta && code === 200) { ta.value = data.translation; const li = ta.closest("li"); li.dataset.version = data.version; li.dataset.saved = data.translation; }
                 } else status.textContent = code === 409 ? "It changed again; upload again or edit it in the list." : (data.error || `error ${code}`);
               }), status);
    return box;
  }
})();
