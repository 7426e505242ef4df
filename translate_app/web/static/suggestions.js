// Suggestions in the editor: every segment's suggestions with votes, a reviewer's accept and reject,
// and "Suggest" for a text that should wait for a reviewer. Also the small toolkit that claims.js,
// glossary.js, bulk.js and offline.js share (window.TASuggest); this file loads first.
(function () {
  "use strict";
  const root = document.getElementById("editor") || document.getElementById("release-claims");
  if (!root) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const release = root.dataset.release;
  const language = root.dataset.language || "";
  const base = `/api/releases/${encodeURIComponent(release)}` + (language ? `/${encodeURIComponent(language)}` : "");

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function button(label, cls, onClick) {
    const b = el("button", {type: "button", class: cls || ""}, label);
    b.addEventListener("click", onClick);
    return b;
  }
  async function send(method, path, body, isForm) {
    const headers = {"X-CSRFToken": csrf, "Accept": "application/json"};
    if (!isForm) headers["Content-Type"] = "application/json";
    const url = path.startsWith("/api/") ? path : base + path;  // a path of this release (and language), or a whole one
    const response = await fetch(url, {method, credentials: "same-origin", headers,
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body)});
    let data = null;
    try { data = await response.json(); } catch (e) { data = {error: `unexpected answer (${response.status})`}; }
    return {status: response.status, data};
  }
  const api = (method, path, body) => send(method, path, body, false);
  const upload = (path, form) => send("POST", path, form, true);
  // "HH:MM" in the reader's own time zone.
  const clock = iso => new Date(iso).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit", hour12: false});
  // The panel of one tool in the editor's tool bar (a <details>, closed until opened).
  function toolPanel(id, title) {
    const bar = document.getElementById("suggest-tools");
    if (!bar) return null;
    bar.hidden = false;
    const details = el("details", {id, class: "suggest-tool"});
    details.append(el("summary", {}, title), el("div", {class: "tool-body"}));
    bar.append(details);
    return details;
  }
  const segments = () => Array.from(document.querySelectorAll("li.segment"));
  window.TASuggest = {root, release, language, base, el, button, api, upload, clock, toolPanel, segments,
                      canReview: root.dataset.canReview === "true", user: root.dataset.user || ""};

  if (!document.getElementById("editor")) return;
  const dir = root.dataset.dir || "ltr";

  function panelOf(li) {
    let panel = li.querySelector(".suggest-panel");
    if (!panel) {
      panel = el("div", {class: "suggest-panel", "aria-live": "polite"});
      (li.querySelector(".target") || li).append(panel);
    }
    return panel;
  }
  // editor.js has its own box to accept and reject proposals; while a segment has it, the reviewer's
  // buttons stay there (one place to decide), and this panel follows what is decided in it.
  function reviewedAbove(li) { return TASuggest.canReview && !!li.querySelector(".proposals-box"); }
  function follow(li) {
    const box = li.querySelector(".proposals-box");
    if (!box || box.dataset.followed) return;
    box.dataset.followed = "1";
    let timer = null;
    new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(() => load(li), 150); })
      .observe(box, {childList: true});
  }
  function say(li, text, kind) {
    const status = panelOf(li).querySelector(".suggest-status");
    if (status) { status.textContent = text; status.className = "suggest-status " + (kind || ""); }
  }

  async function load(li) {
    const panel = panelOf(li);
    const {status, data} = await api("GET", `/segments/${li.dataset.id}/proposals`);
    if (status !== 200 || !Array.isArray(data)) { panel.textContent = (data && data.error) || `error ${status}`; return; }
    const open = data.filter(p => p.status === "open");
    // Decisions are shown by editor.js's proposals box where the segment has one.
    const decided = li.querySelector(".proposals-box") ? [] : data.filter(p => p.status !== "open").slice(0, 3);
    panel.replaceChildren();
    if (open.length) panel.append(el("div", {class: "label"}, `Suggestions (${open.length}), with their votes` +
                                     (reviewedAbove(li) ? ": accept or reject them above" : "")));
    open.sort((a, b) => b.votes - a.votes || b.id - a.id).forEach(p => panel.append(row(li, p)));
    decided.forEach(p => panel.append(el("div", {class: "suggestion decided"},
      `${p.by || "?"}: “${p.text}” — ${p.status} by ${p.decided_by}${p.reason ? " (" + p.reason + ")" : ""}`)));
    const actions = el("div", {class: "suggest-actions"});
    // A suggester's own Save button already suggests: one button for one action.
    const saveSuggests = li.querySelector('button[data-action="save"]')?.textContent.trim() === "Suggest";
    if (!saveSuggests) actions.append(button("Suggest my text", "secondary suggest-mine", () => suggest(li)));
    actions.append(el("span", {class: "suggest-status", role: "status"}));
    panel.append(actions);
  }

  function row(li, p) {
    const item = el("div", {class: "suggestion open", "data-proposal": p.id});
    item.append(el("span", {class: "who"}, `${p.by || "?"}${p.mine ? " (you)" : ""}${p.current === false ? ", on an older text" : ""}:`),
                el("span", {class: "text", dir, lang: language}, p.text),
                el("span", {class: "votes badge"}, `+${p.votes}`));
    const blocking = (p.checks || []).filter(c => c.severity === "error" || c.blocking);
    if (blocking.length) item.append(el("span", {class: "suggest-checks"}, blocking.map(c => `${c.name}: ${c.message}`).join("; ")));
    const actions = el("span", {class: "suggestion-actions"});
    if (!p.mine) {
      actions.append(button(p.voted ? "Take back +1" : "+1", "secondary vote", async () => {
        const {status, data} = await api("POST", `/proposals/${p.id}/vote`, {up: !p.voted});
        if (status === 200) await load(li); else say(li, data.error || `error ${status}`, "error");
      }));
    }
    if (TASuggest.canReview && !reviewedAbove(li)) {
      const reason = el("input", {type: "text", class: "reason", placeholder: "Reason (optional)", "aria-label": "Reason for rejecting"});
      actions.append(button("Accept", "accept", async () => {
        const {status, data} = await api("POST", `/proposals/${p.id}/accept`, {version: li.dataset.version});
        if (status === 200) {
          // The text is approved in the catalog now: show it as the editor would after a save.
          li.dataset.version = data.segment.version;
          li.dataset.saved = data.segment.translation;
          li.dataset.state = data.segment.state;
          li.className = li.className.replace(/state-\S+/, "state-" + data.segment.state);
          const ta = li.querySelector("textarea");
          if (ta) ta.value = data.segment.translation;
          const badge = li.querySelector(".state.badge");
          if (badge) { badge.className = "state badge " + data.segment.state; badge.textContent = "Approved"; }
          await load(li);
          say(li, "Suggestion accepted and approved.", "ok");
        } else if (status === 409) {
          say(li, "The segment changed meanwhile; reload the page and look again.", "error");
        } else {
          say(li, (data.blocking ? "Not accepted: " + data.blocking.map(c => `${c.name}: ${c.message}`).join("; ") : data.error) || `error ${status}`, "error");
        }
      }), reason, button("Reject", "secondary", async () => {
        const {status, data} = await api("POST", `/proposals/${p.id}/reject`, {reason: reason.value});
        if (status === 200) { await load(li); say(li, "Suggestion rejected.", "ok"); }
        else say(li, data.error || `error ${status}`, "error");
      }));
    }
    item.append(actions);
    return item;
  }

  async function suggest(li) {
    const ta = li.querySelector("textarea");
    const {status, data} = await api("POST", `/segments/${li.dataset.id}/proposals`, {text: ta ? ta.value : ""});
    if (status === 201) {
      if (ta) ta.value = li.dataset.saved || "";  // the catalog keeps its text until a reviewer accepts
      ta && ta.dispatchEvent(new Event("input", {bubbles: true}));
      await load(li);
      say(li, "Suggested; a reviewer will accept or reject it.", "ok");
    } else say(li, data.error || `error ${status}`, "error");
  }

  // Load a segment's suggestions when a person starts working on it (editor.js focuses one first).
  function opened(node) {
    const li = node && node.closest && node.closest("li.segment");
    if (li && !li.dataset.suggestLoaded) { li.dataset.suggestLoaded = "1"; follow(li); load(li); }
  }
  document.addEventListener("focusin", event => opened(event.target));
  opened(document.activeElement);
})();
