// The segment editor: keyboard-first saving, approving, suggestions, checks and conflicts.
"use strict";
(function () {
  const root = document.getElementById("editor");
  if (!root) return;
  const release = root.dataset.release;
  const language = root.dataset.language;
  const canReview = root.dataset.canReview === "true";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const base = `/api/releases/${encodeURIComponent(release)}/${encodeURIComponent(language)}`;
  const OPEN = new Set(["untranslated", "machine", "needs_review"]);
  const LABELS = {untranslated: "Untranslated", machine: "Machine", needs_review: "Needs review",
                  translated: "Translated", approved: "Approved"};
  const segments = Array.from(root.querySelectorAll("li.segment"));
  let current = null;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function api(method, path, body) {
    const response = await fetch(base + path, {
      method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = {error: `unexpected answer (${response.status})`}; }
    return {status: response.status, data};
  }

  function textarea(li) { return li.querySelector("textarea"); }
  function setStatus(li, message, kind) {
    const s = li.querySelector(".status");
    s.textContent = message;
    s.className = "status " + (kind || "");
  }

  function renderChecks(li, checks) {
    const ul = li.querySelector(".checks");
    ul.replaceChildren(...checks.map(c => el("li", {class: c.severity}, `${c.name}: ${c.message}`)));
    li.dataset.checks = checks.length;
    li.dataset.errors = checks.filter(c => c.severity === "error").length;
  }

  function updateCounts(oldState, newState) {
    if (oldState === newState) return;
    const bar = document.querySelector("#progress .legend");
    if (!bar) return;
    const counts = {};
    segments.forEach(s => { counts[s.dataset.state] = (counts[s.dataset.state] || 0) + 1; });
    const total = segments.length;
    const progress = document.querySelector("#progress .progress");
    const order = ["approved", "translated", "needs_review", "machine", "untranslated"];
    progress.replaceChildren(...order.filter(s => counts[s]).map(s => {
      const span = el("span", {class: "bar " + s, title: `${counts[s]} ${LABELS[s]}`});
      span.style.width = (100 * counts[s] / total) + "%";
      return span;
    }));
    progress.setAttribute("aria-label", order.map(s => `${counts[s] || 0} ${LABELS[s]}`).join(", "));
    bar.replaceChildren(...order.filter(s => counts[s]).map(s => el("span", {class: "key " + s}, `${counts[s]} ${LABELS[s].toLowerCase()}`)));
  }

  function applySegment(li, seg) {
    const oldState = li.dataset.state;
    li.dataset.version = seg.version;
    li.dataset.state = seg.state;
    li.dataset.saved = seg.translation;
    li.className = "segment state-" + seg.state + (li === current ? " current" : "");
    const badge = li.querySelector(".state");
    badge.textContent = LABELS[seg.state];
    badge.className = "state badge " + seg.state;
    li.querySelector(".by").textContent = seg.approved_by ? `approved by ${seg.approved_by}` :
      (seg.translated_by ? `by ${seg.translated_by}` : "");
    renderChecks(li, seg.checks);
    if (seg.state !== "machine") li.querySelectorAll(".provenance").forEach(p => p.remove());
    if (!seg.previous_source) li.querySelectorAll(".previous").forEach(p => p.remove());
    updateCounts(oldState, seg.state);
  }

  function showConflict(li, theirs, mine) {
    const box = li.querySelector(".conflict");
    box.replaceChildren(
      el("p", {}, `Someone else saved this segment meanwhile${theirs.translated_by ? " (" + theirs.translated_by + ")" : ""}. Compare and choose:`),
      el("div", {class: "label"}, "Their text (saved):"),
      el("pre", {class: "theirs", dir: root.dataset.dir, lang: language}, theirs.translation || "(empty)"),
      el("div", {class: "label"}, "Your text (not saved):"),
      el("pre", {class: "mine", dir: root.dataset.dir, lang: language}, mine || "(empty)"));
    const keepMine = el("button", {type: "button"}, "Keep mine");
    const takeTheirs = el("button", {type: "button", class: "secondary"}, "Take theirs");
    keepMine.addEventListener("click", async () => {
      li.dataset.version = theirs.version;
      box.hidden = true;
      await save(li, false);
    });
    takeTheirs.addEventListener("click", () => {
      textarea(li).value = theirs.translation;
      applySegment(li, theirs);
      box.hidden = true;
      setStatus(li, "took their text", "ok");
    });
    box.append(keepMine, takeTheirs);
    box.hidden = false;
  }

  let saving = new WeakMap();
  async function save(li, andNext) {
    if (saving.get(li)) return false;  // a double submit waits for the first
    saving.set(li, true);
    try {
      const text = textarea(li).value;
      if (text === li.dataset.saved && li.dataset.state !== "machine" && li.dataset.state !== "needs_review") {
        if (andNext) goNextOpen(li);
        return true;
      }
      setStatus(li, "saving…");
      const {status, data} = await api("PUT", `/segments/${li.dataset.id}`, {translation: text, version: li.dataset.version});
      if (status === 200) {
        applySegment(li, data);
        setStatus(li, "saved", "ok");
        if (andNext) goNextOpen(li);
        return true;
      }
      if (status === 409 && data.current) {
        setStatus(li, "conflict", "error");
        showConflict(li, data.current, text);
        return false;
      }
      setStatus(li, data.error || `error ${status}`, "error");
      return false;
    } finally {
      saving.set(li, false);
    }
  }

  async function approve(li) {
    if (!canReview) return;
    if (textarea(li).value !== li.dataset.saved || li.dataset.state === "machine" || li.dataset.state === "needs_review") {
      if (textarea(li).value !== li.dataset.saved && !(await save(li, false))) return;
    }
    setStatus(li, "approving…");
    const {status, data} = await api("POST", `/segments/${li.dataset.id}/approve`, {version: li.dataset.version});
    if (status === 200) {
      applySegment(li, data);
      setStatus(li, "approved", "ok");
      goNext(li, s => s.dataset.state !== "approved");
    } else if (status === 409 && data.current) {
      showConflict(li, data.current, textarea(li).value);
    } else {
      setStatus(li, data.error || `error ${status}`, "error");
    }
  }

  function visible(li) { return !li.hidden; }
  function goNext(li, pred) {
    const i = segments.indexOf(li);
    const next = segments.slice(i + 1).concat(segments.slice(0, i)).find(s => visible(s) && pred(s));
    if (next) focus(next); else setStatus(li, "no more segments to do here", "ok");
  }
  function goNextOpen(li) { goNext(li, s => OPEN.has(s.dataset.state)); }
  function move(li, step) {
    let i = segments.indexOf(li) + step;
    while (i >= 0 && i < segments.length && !visible(segments[i])) i += step;
    if (i >= 0 && i < segments.length) focus(segments[i]);
  }

  function focus(li) {
    if (current && current !== li) current.classList.remove("current");
    current = li;
    li.classList.add("current");
    const ta = textarea(li);
    ta.focus();
    li.scrollIntoView({block: "center"});
    loadSuggestions(li);
  }

  async function loadSuggestions(li) {
    if (li.dataset.suggestionsLoaded) return;
    li.dataset.suggestionsLoaded = "1";
    const box = li.querySelector(".suggestions");
    const {status, data} = await api("GET", `/segments/${li.dataset.id}/suggestions`);
    if (status !== 200 || !Array.isArray(data) || !data.length) return;
    box.replaceChildren(el("div", {class: "label"}, "Translation memory (Alt+M takes the first):"));
    data.forEach(m => {
      const row = el("div", {class: "match"});
      row.append(el("span", {class: "score"}, `${m.score}%`),
                 el("span", {class: "text", dir: root.dataset.dir, lang: language}, m.text),
                 el("span", {class: "origin"}, m.origin));
      const use = el("button", {type: "button", class: "secondary"}, "Use");
      use.addEventListener("click", () => { textarea(li).value = m.text; liveChecks(li); textarea(li).focus(); });
      row.append(use);
      box.append(row);
    });
    li._matches = data;
    box.hidden = false;
  }

  function takeSuggestion(li) {
    if (li._matches && li._matches.length) textarea(li).value = li._matches[0].text;
    else if (li.dataset.state === "machine") textarea(li).value = li.dataset.saved;
    liveChecks(li);
  }

  const timers = new WeakMap();
  function liveChecks(li) {
    clearTimeout(timers.get(li));
    timers.set(li, setTimeout(async () => {
      const response = await fetch("/api/checks", {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
        body: JSON.stringify({source: li.dataset.source, translation: textarea(li).value, language, release}),
      });
      if (response.ok) renderChecks(li, await response.json());
    }, 250));
  }

  async function toggleHistory(li) {
    const box = li.querySelector(".history-box");
    if (!box.hidden) { box.hidden = true; return; }
    const {status, data} = await api("GET", `/segments/${li.dataset.id}/history`);
    if (status !== 200) { setStatus(li, data.error, "error"); return; }
    const list = el("ul");
    data.changes.forEach(c => list.append(el("li", {}, `${c.at.slice(0, 16).replace("T", " ")} ${c.user} ${c.action}: ${c.old_state} → ${c.new_state}: ${c.new}`)));
    data.comments.forEach(c => list.append(el("li", {class: "comment"}, `${c.at.slice(0, 16).replace("T", " ")} ${c.user}: ${c.text}`)));
    if (!list.children.length) list.append(el("li", {}, "No changes or comments yet."));
    const input = el("input", {type: "text", placeholder: "Add a comment for the team and press Enter", "aria-label": "Comment"});
    input.addEventListener("keydown", async e => {
      if (e.key !== "Enter" || !input.value.trim()) return;
      e.preventDefault();
      const r = await api("POST", `/segments/${li.dataset.id}/comments`, {text: input.value});
      if (r.status === 201) { list.prepend(el("li", {class: "comment"}, `now ${r.data.user}: ${r.data.text}`)); input.value = ""; }
      else setStatus(li, r.data.error, "error");
    });
    box.replaceChildren(list, input);
    box.hidden = false;
  }

  segments.forEach(li => {
    const ta = textarea(li);
    ta.addEventListener("focus", () => { if (current !== li) focus(li); });
    ta.addEventListener("input", () => liveChecks(li));
    li.querySelectorAll("button[data-action]").forEach(b => b.addEventListener("click", () => {
      const action = b.dataset.action;
      if (action === "save") save(li, true);
      else if (action === "approve") approve(li);
      else if (action === "copy") { ta.value = li.dataset.source; liveChecks(li); ta.focus(); }
      else if (action === "history") toggleHistory(li);
    }));
  });

  document.addEventListener("keydown", e => {
    const li = current;
    if (!li) return;
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !e.shiftKey) { e.preventDefault(); save(li, true); }
    else if (e.altKey && !e.ctrlKey && (e.code === "KeyA")) { e.preventDefault(); approve(li); }
    else if (e.altKey && !e.ctrlKey && (e.code === "KeyC")) { e.preventDefault(); textarea(li).value = li.dataset.source; liveChecks(li); }
    else if (e.altKey && !e.ctrlKey && (e.code === "KeyM")) { e.preventDefault(); takeSuggestion(li); }
    else if (e.altKey && !e.ctrlKey && (e.code === "KeyH")) { e.preventDefault(); toggleHistory(li); }
    else if (e.altKey && e.key === "ArrowDown") { e.preventDefault(); move(li, 1); }
    else if (e.altKey && e.key === "ArrowUp") { e.preventDefault(); move(li, -1); }
  });

  // Filters: by state, by failing check, by text in source or translation.
  const fState = document.getElementById("filter-state");
  const fCheck = document.getElementById("filter-check");
  const fText = document.getElementById("filter-text");
  const fCount = document.getElementById("filter-count");
  document.querySelector("form.filters").addEventListener("submit", e => e.preventDefault());
  function applyFilters() {
    const state = fState.value, check = fCheck.value, text = fText.value.trim().toLowerCase();
    let shown = 0;
    segments.forEach(li => {
      let ok = true;
      if (state === "open") ok = OPEN.has(li.dataset.state);
      else if (state) ok = li.dataset.state === state;
      if (ok && check === "failing") ok = li.dataset.checks !== "0";
      if (ok && check === "error") ok = li.dataset.errors !== "0";
      if (ok && text) ok = li.dataset.source.toLowerCase().includes(text) || textarea(li).value.toLowerCase().includes(text);
      li.hidden = !ok;
      if (ok) shown++;
    });
    fCount.textContent = `${shown} of ${segments.length} segments`;
  }
  [fState, fCheck].forEach(f => f.addEventListener("change", applyFilters));
  fText.addEventListener("input", applyFilters);
  applyFilters();

  const first = segments.find(s => OPEN.has(s.dataset.state)) || segments[0];
  if (first) focus(first);
})();
