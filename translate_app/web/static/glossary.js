// The release glossary in the editor: its terms highlighted in the source (the target term on hover or
// focus), and a panel to add, change and delete terms for reviewers of the language and coordinators.
(function () {
  "use strict";
  const T = window.TASuggest;
  if (!T || !document.getElementById("editor")) return;
  const {el, button, api} = T;
  const panel = T.toolPanel("glossary-panel", "Glossary");
  if (!panel) return;
  const body = panel.querySelector(".tool-body");
  let glossary = {version: "", terms: []};

  function escapeRe(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function unhighlight() {
    document.querySelectorAll("mark.glossary-term").forEach(m => m.replaceWith(document.createTextNode(m.textContent)));
    document.querySelectorAll("li.segment .source .text").forEach(n => n.normalize());
  }

  function highlight() {
    unhighlight();
    if (!glossary.terms.length) return;
    const byText = {};
    glossary.terms.forEach(t => { byText[t.source] = t; });
    // Longest terms first, whole words only (as the glossary check finds them).
    const sources = glossary.terms.map(t => t.source).sort((a, b) => b.length - a.length).map(escapeRe);
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])(${sources.join("|")})(?![\\p{L}\\p{N}_])`, "gu");
    document.querySelectorAll("li.segment .source .text").forEach(node => {
      const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      const texts = [];
      while (walker.nextNode()) texts.push(walker.currentNode);
      texts.forEach(text => {
        const value = text.nodeValue;
        pattern.lastIndex = 0;
        if (!pattern.test(value)) return;
        pattern.lastIndex = 0;
        const parts = document.createDocumentFragment();
        let at = 0, m;
        while ((m = pattern.exec(value)) !== null) {
          parts.append(document.createTextNode(value.slice(at, m.index)));
          const term = byText[m[1]];
          const tip = term.kept ? `${term.source}: keep as written` : `${term.source} → ${term.target}`;
          parts.append(el("mark", {class: "glossary-term", title: tip, "data-target": tip, tabindex: "0"}, m[1]));
          at = m.index + m[1].length;
        }
        parts.append(document.createTextNode(value.slice(at)));
        text.replaceWith(parts);
      });
    });
  }

  function render(message, kind) {
    panel.querySelector("summary").textContent = `Glossary (${glossary.terms.length})`;
    body.replaceChildren();
    const table = el("table", {class: "glossary-table"});
    const head = el("tr");
    head.append(el("th", {}, "Term"), el("th", {}, `In ${T.language}`), el("th"));
    table.append(head);
    glossary.terms.forEach(t => {
      const tr = el("tr");
      tr.append(el("td", {lang: "en"}, t.source), el("td", {lang: T.language}, t.kept ? "(kept as written)" : t.target));
      const cell = el("td");
      if (T.canReview) {
        cell.append(button("Edit", "secondary", () => { source.value = t.source; target.value = t.kept ? "" : t.target; oldSource = t.source; source.focus(); }),
                    button("Delete", "secondary", () => change("POST", "/glossary/delete", {source: t.source})));
      }
      tr.append(cell);
      table.append(tr);
    });
    body.append(table);
    if (!glossary.terms.length) body.append(el("p", {class: "meta"}, "No terms yet."));
    const status = el("p", {class: "glossary-status " + (kind || ""), role: "status"}, message || "");
    if (!T.canReview) { body.append(status); return; }
    let oldSource = null;
    const source = el("input", {type: "text", class: "glossary-source", "aria-label": "Term in the source", placeholder: "Term in the source"});
    const target = el("input", {type: "text", class: "glossary-target", "aria-label": `Term in ${T.language}`, placeholder: "Translation (empty: keep as written)", lang: T.language});
    const form = el("div", {class: "glossary-form"});
    form.append(source, target, button("Save term", "glossary-save", () => {
      const payload = {source: source.value, target: target.value || null};
      if (oldSource && oldSource !== source.value) payload.old_source = oldSource;
      change("PUT", "/glossary", payload);
    }));
    body.append(form, status);
  }

  async function change(method, path, payload) {
    const {status, data} = await api(method, path, Object.assign({version: glossary.version}, payload));
    if (status === 200) { glossary = data; render("Saved in the glossary.", "ok"); highlight(); return; }
    if (status === 409) { await load(); render("The glossary changed meanwhile; here it is now. Try again.", "error"); return; }
    render(data.error || `error ${status}`, "error");
  }

  async function load() {
    const {status, data} = await api("GET", "/glossary");
    if (status !== 200) { body.textContent = data.error || `error ${status}`; return; }
    glossary = data;
    render();
    highlight();
  }
  load();
})();
