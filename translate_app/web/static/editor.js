// The segment editor: keyboard-first saving, approving, suggestions, checks, proposals and conflicts.
// Also, on the live preview page, what keeps the preview in step with saves.
"use strict";

(function livePreview() {
  // The preview page carries <meta name="translate-app-preview" content=VERSION>: fetch the page again
  // when an editor says it saved (BroadcastChannel) and every few seconds (saves by others), and swap
  // the body's content when the version changed.
  const meta = document.querySelector('meta[name="translate-app-preview"]');
  if (!meta) return;
  let version = meta.content;
  let busy = false;
  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const response = await fetch(location.href, {cache: "no-cache", credentials: "same-origin"});
      if (!response.ok) return;
      const tag = (response.headers.get("ETag") || "").replace(/^W\//, "").replace(/"/g, "");
      if (tag && tag === version) return;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = doc.querySelector('meta[name="translate-app-preview"]');
      const main = doc.querySelector("main");
      if (!fresh || !main || fresh.content === version) return;
      version = fresh.content;
      meta.content = version;
      document.querySelector("main").replaceWith(document.adoptNode(main));
      document.title = doc.title;
    } catch (e) {
      // offline for a moment: the next poll tries again
    } finally {
      busy = false;
    }
  }
  if ("BroadcastChannel" in window) new BroadcastChannel("translate-app-saves").onmessage = refresh;
  setInterval(refresh, 3000);
})();

(function editor() {
  const root = document.getElementById("editor");
  if (!root) return;
  if (window.performance && performance.mark) performance.mark("editor-start");  // for bench/editor_size.py
  const release = root.dataset.release;
  const language = root.dataset.language;
  const dir = root.dataset.dir;
  const canReview = root.dataset.canReview === "true";
  const NAMES = JSON.parse(root.dataset.names || "{}");  // login name -> the name a person chose to be shown by
  const shown = name => NAMES[name] || name;
  // A big release comes a page at a time, filtered on the server (see review.editor): filters then load
  // a page, and Ctrl+Enter past the last open segment of the page asks the server for the next one.
  const paged = root.dataset.paged === "true";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const base = `/api/releases/${encodeURIComponent(release)}/${encodeURIComponent(language)}`;
  const OPEN = new Set(["untranslated", "machine", "needs_review"]);
  const LABELS = {untranslated: "Untranslated", machine: "Machine", needs_review: "Needs review",
                  translated: "Translated", approved: "Approved"};
  const segments = Array.from(root.querySelectorAll("li.segment"));
  const saves = "BroadcastChannel" in window ? new BroadcastChannel("translate-app-saves") : null;
  let current = null;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function button(label, cls, onClick) {
    const b = el("button", {type: "button", class: cls || ""}, label);
    b.addEventListener("click", onClick);
    return b;
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
  function box(li, name) { return li.querySelector("." + name); }
  function setStatus(li, message, kind) {
    const s = li.querySelector(".status");
    s.textContent = message;
    s.className = "status " + (kind || "");
  }
  function announceSave() { if (saves) saves.postMessage({release, language}); }

  // ---- drafts: unsaved text is marked, kept in localStorage, and warned about before leaving ----
  const draftKey = li => `translate-app:draft:${root.dataset.user}:${release}:${language}:${li.dataset.id}`;
  function storage() { try { return window.localStorage; } catch (e) { return null; } }

  function markDirty(li) {
    const dirty = textarea(li).value !== li.dataset.saved;
    li.classList.toggle("unsaved", dirty);
    box(li, "unsaved-mark").hidden = !dirty;
    const store = storage();
    if (!store) return;
    if (dirty) {
      store.setItem(draftKey(li), JSON.stringify({text: textarea(li).value, saved: li.dataset.saved,
                                                  version: li.dataset.version, at: Date.now()}));
    } else {
      store.removeItem(draftKey(li));
    }
  }

  function restoreDrafts() {
    const store = storage();
    if (!store) return;
    segments.forEach(li => {
      let draft = null;
      try { draft = JSON.parse(store.getItem(draftKey(li)) || "null"); } catch (e) { draft = null; }
      if (!draft || typeof draft.text !== "string") return;
      if (draft.text === li.dataset.saved) { store.removeItem(draftKey(li)); return; }
      textarea(li).value = draft.text;
      if (draft.saved !== li.dataset.saved) {
        // Saved by someone since the draft: saving it answers with a conflict showing both texts.
        li.dataset.version = draft.version;
        setStatus(li, "your unsaved draft is back; the saved text changed since, so saving will compare them", "error");
      } else {
        setStatus(li, "your unsaved draft is back (not saved yet)", "error");
      }
      markDirty(li);
      liveChecks(li);
      tokenCheck(li);
      markupView(li);
    });
  }

  window.addEventListener("beforeunload", e => {
    if (segments.some(li => li.classList.contains("unsaved"))) {
      e.preventDefault();
      e.returnValue = "";  // some browsers need it to ask
    }
  });

  // Replace the whole text so that the browser's undo (Ctrl+Z) brings the old text back.
  function replaceText(li, text) {
    const ta = textarea(li);
    ta.focus();
    ta.select();
    const done = text ? document.execCommand("insertText", false, text) : document.execCommand("delete");
    if (!done || ta.value !== text) {
      ta.setRangeText(text, 0, ta.value.length, "end");
      ta.dispatchEvent(new Event("input", {bubbles: true}));
    }
  }

  // ---- checks, counts, the state of a segment ----
  function renderChecks(li, checks) {
    const ul = li.querySelector(".checks");
    ul.replaceChildren(...checks.map(c => el("li", {class: c.severity + (c.blocking ? " blocking" : "")},
                                                `${c.name}: ${c.message}${c.blocking ? " (blocks approval)" : ""}`)));
    li.dataset.checks = checks.length;
    li.dataset.errors = checks.filter(c => c.severity === "error").length;
  }

  // The counts of the whole release (not only this page), kept up to date with every change of state.
  const counts = (() => {
    try { return JSON.parse(document.getElementById("progress").dataset.counts || "{}"); } catch (e) { return {}; }
  })();
  function updateCounts(oldState, newState) {
    if (oldState === newState) return;
    counts[oldState] = Math.max(0, (counts[oldState] || 0) - 1);
    counts[newState] = (counts[newState] || 0) + 1;
    const bar = document.querySelector("#progress .legend");
    if (!bar) return;
    const total = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
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

  function showProposalCount(li, n) {
    li.dataset.proposals = n;
    const badge = box(li, "proposals-count");
    badge.textContent = `${n} proposal${n === 1 ? "" : "s"} waiting`;
    badge.hidden = !n;
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
    li.querySelector(".by").textContent = seg.approved_by ? `approved by ${shown(seg.approved_by)}` :
      (seg.translated_by ? `by ${shown(seg.translated_by)}` : "");
    li.querySelector('button[data-action="save"]').textContent =
      seg.state === "approved" && !canReview ? "Propose change" : "Save";
    renderChecks(li, seg.checks || []);
    li.querySelectorAll(".override-reason").forEach(p => p.remove());
    const override = seg.override;  // {checks, by, reason} while an approval overrides failing checks
    if (override && override.reason && seg.state === "approved") {
      li.querySelector(".checks").after(el("div", {class: "override-reason"},
        `Approved by ${override.by} despite failing checks (${(override.checks || []).join(", ")}): ${override.reason}`));
    }
    if (seg.state !== "machine") {
      li.querySelectorAll(".provenance").forEach(p => p.remove());
      delete li.dataset.machineProvider;
    }
    if (!seg.previous_source) li.querySelectorAll(".previous").forEach(p => p.remove());
    if (typeof seg.proposals === "number") showProposalCount(li, seg.proposals);
    box(li, "confirm").hidden = true;
    delete li.dataset.confirmed;
    markDirty(li);
    updateCounts(oldState, seg.state);
  }

  function showConflict(li, theirs, mine) {
    // The badge, version and saved text become theirs; the textarea keeps mine (so it shows as unsaved).
    applySegment(li, theirs);
    const conflict = box(li, "conflict");
    conflict.replaceChildren(
      el("p", {}, `Someone else saved this segment meanwhile${theirs.translated_by ? " (" + shown(theirs.translated_by) + ")" : ""}; it is now “${LABELS[theirs.state]}”. Compare and choose:`),
      el("div", {class: "label"}, "Their text (saved):"),
      el("pre", {class: "theirs", dir, lang: language}, theirs.translation || "(empty)"),
      el("div", {class: "label"}, "Your text (not saved):"),
      el("pre", {class: "mine", dir, lang: language}, mine || "(empty)"),
      button("Keep mine", "", async () => {
        conflict.hidden = true;
        li.dataset.confirmed = "1";  // choosing "Keep mine" is the confirmation
        await save(li, false);
      }),
      button("Take theirs", "secondary", () => {
        replaceText(li, theirs.translation);
        conflict.hidden = true;
        setStatus(li, "took their text", "ok");
      }));
    conflict.hidden = false;
  }

  // ---- confirmations before saving what a person has not looked at, or changing approved text ----
  function needsMachineConfirmation(li, text) {
    if (text !== li.dataset.saved) return false;
    if (li.dataset.state === "needs_review") return true;
    if (li.dataset.state !== "machine") return false;
    const score = parseInt(li.dataset.machineScore || "", 10);
    return !(score >= 100);
  }

  function askToConfirm(li, message, acceptLabel, onAccept, extra) {
    const confirm = box(li, "confirm");
    confirm.replaceChildren(el("p", {}, message), ...(extra || []),
      button(acceptLabel, "", () => { confirm.hidden = true; onAccept(); }),
      button("Cancel", "secondary", () => { confirm.hidden = true; delete li.dataset.confirmed; textarea(li).focus(); }));
    confirm.hidden = false;
    li.dataset.confirmed = "asked";
  }

  function confirmMachine(li, andNext) {
    const state = li.dataset.state;
    let message;
    if (state === "needs_review") {
      message = "The English source changed since this was translated. Compare the translation with the new source " +
                "(the old source is shown on the left), then press Ctrl+Enter again or:";
    } else {
      const provider = li.dataset.machineProvider || "a machine";
      const score = li.dataset.machineScore;
      message = `This text was filled in by ${provider}${score ? ` from a ${score}% memory match (a different sentence)` : ""}` +
                " and no person has checked it yet. Compare it with the English" +
                (score ? " and the differences below" : "") + ", then press Ctrl+Enter again or:";
    }
    askToConfirm(li, message, state === "needs_review" ? "Keep this translation" : "Accept machine text",
                 () => { li.dataset.confirmed = "1"; save(li, andNext); });
    loadSuggestions(li, true);
  }

  function confirmApprovedChange(li, andNext) {
    askToConfirm(li, "This segment is approved, and may already be published. Saving your change replaces the " +
                 "approved text and sends it back for review. Press Ctrl+Enter again or:",
                 "Change approved text", () => { li.dataset.confirmed = "1"; save(li, andNext); });
  }

  // ---- saving and approving ----
  const saving = new WeakMap();
  async function save(li, andNext) {
    if (saving.get(li)) return false;  // a double submit waits for the first
    const text = textarea(li).value;
    const unchanged = text === li.dataset.saved;
    if (unchanged && !OPEN.has(li.dataset.state)) {
      if (andNext) goNextOpen(li);
      return true;
    }
    if (unchanged && li.dataset.state === "untranslated") {
      if (andNext) goNextOpen(li);
      return true;
    }
    const confirmed = li.dataset.confirmed === "1" || li.dataset.confirmed === "asked";
    if (needsMachineConfirmation(li, text) && !confirmed) { confirmMachine(li, andNext); return false; }
    if (li.dataset.state === "approved" && !unchanged && canReview && !confirmed) {
      confirmApprovedChange(li, andNext);
      return false;
    }
    saving.set(li, true);
    try {
      box(li, "confirm").hidden = true;
      setStatus(li, "saving…");
      const {status, data} = await api("PUT", `/segments/${li.dataset.id}`, {translation: text, version: li.dataset.version});
      delete li.dataset.confirmed;
      if (status === 200) {
        applySegment(li, data);
        setStatus(li, "saved", "ok");
        announceSave();
        if (andNext) goNextOpen(li);
        return true;
      }
      if (status === 202 && data.proposal) {
        applySegment(li, data.segment);
        textarea(li).value = data.segment.translation;
        markDirty(li);
        liveChecks(li);
        setStatus(li, "your change is waiting for a reviewer; the approved text stays until then", "ok");
        await loadProposals(li);
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

  async function approve(li, override) {
    if (!canReview) return;
    if (textarea(li).value !== li.dataset.saved && !(await save(li, false))) return;
    setStatus(li, "approving…");
    const body = {version: li.dataset.version};
    if (override) body.override = override;
    const {status, data} = await api("POST", `/segments/${li.dataset.id}/approve`, body);
    if (status === 200) {
      box(li, "override").hidden = true;
      applySegment(li, data);
      setStatus(li, "approved", "ok");
      announceSave();
      goNext(li, s => s.dataset.state !== "approved");
    } else if (status === 409 && data.current) {
      showConflict(li, data.current, textarea(li).value);
    } else if (status === 422 && Array.isArray(data.blocking)) {
      setStatus(li, "not approved: checks block it", "error");
      showOverride(li, data);
    } else {
      setStatus(li, data.error || `error ${status}`, "error");
    }
  }

  function showOverride(li, data) {
    const panel = box(li, "override");
    const list = el("ul", {class: "blocking-checks"});
    data.blocking.forEach(c => list.append(el("li", {class: "error"}, `${c.name}: ${c.message}`)));
    const form = el("form", {class: "override-form"});
    const label = el("label", {}, "Reason for approving anyway (kept in the catalog and the history)");
    const input = el("input", {type: "text", name: "reason", required: "", maxlength: "500",
                               "aria-label": "Reason for approving anyway"});
    label.append(input);
    form.append(label, el("button", {type: "submit"}, "Approve anyway"),
                button("Cancel", "secondary", () => { panel.hidden = true; textarea(li).focus(); }));
    form.addEventListener("submit", e => {
      e.preventDefault();
      if (!input.value.trim()) { input.reportValidity(); return; }
      approve(li, input.value.trim());
    });
    panel.replaceChildren(el("p", {}, data.error || "These checks block approval:"), list, form);
    panel.hidden = false;
    input.focus();
  }

  // ---- proposals: changes to approved text waiting for a reviewer ----
  async function loadProposals(li) {
    const panel = box(li, "proposals-box");
    const {status, data} = await api("GET", `/segments/${li.dataset.id}/proposals`);
    if (status !== 200 || !Array.isArray(data)) { setStatus(li, (data && data.error) || `error ${status}`, "error"); return; }
    const open = data.filter(p => p.status === "open");
    showProposalCount(li, open.length);
    const decided = data.filter(p => p.status !== "open").slice(0, 3);
    if (!open.length && !decided.length) { panel.hidden = true; return; }
    panel.replaceChildren(el("div", {class: "label"}, canReview ? "Proposed changes to the approved text:" :
                                                          "Proposed changes (a reviewer accepts or rejects them):"));
    open.forEach(p => panel.append(proposalRow(li, p)));
    decided.forEach(p => {
      const row = el("div", {class: "proposal decided"});
      row.append(el("span", {class: "who"}, `${p.by} proposed`),
                 el("span", {class: "text", dir, lang: language}, p.text),
                 el("span", {class: "decision"}, `${p.status} by ${p.decided_by}${p.reason ? ": " + p.reason : ""}`));
      panel.append(row);
    });
    panel.hidden = false;
  }

  function proposalRow(li, p) {
    const row = el("div", {class: "proposal open"});
    row.append(el("span", {class: "who"}, `${p.by} proposes${p.current === false ? " (made on an older text)" : ""}:`),
               el("span", {class: "text", dir, lang: language}, p.text));
    if (p.checks && p.checks.length) {
      const ul = el("ul", {class: "checks"});
      p.checks.forEach(c => ul.append(el("li", {class: c.severity}, `${c.name}: ${c.message}`)));
      row.append(ul);
    }
    if (!canReview) { row.append(el("span", {class: "decision"}, "waiting for a reviewer")); return row; }
    const reason = el("input", {type: "text", placeholder: "Reason (for rejecting)", "aria-label": "Reason for rejecting"});
    const rejecting = el("span", {class: "rejecting"});
    const actions = el("div", {class: "proposal-actions"});
    row.append(actions);
    actions.append(
      button("Accept", "", async () => {
        const {status, data} = await api("POST", `/proposals/${p.id}/accept`, {version: li.dataset.version});
        if (status === 200) {
          applySegment(li, data.segment);
          textarea(li).value = data.segment.translation;
          markDirty(li);
          setStatus(li, "proposal accepted and approved", "ok");
          announceSave();
          await loadProposals(li);
        } else if (status === 409 && data.current) {
          applySegment(li, data.current);
          textarea(li).value = data.current.translation;
          markDirty(li);
          setStatus(li, "the segment changed meanwhile; look at it again before accepting", "error");
        } else if (status === 422 && Array.isArray(data.blocking)) {
          setStatus(li, "not accepted: " + data.blocking.map(c => `${c.name}: ${c.message}`).join("; "), "error");
        } else {
          setStatus(li, data.error || `error ${status}`, "error");
        }
      }),
      rejecting);
    rejecting.append(reason, button("Reject", "secondary", async () => {
      const {status, data} = await api("POST", `/proposals/${p.id}/reject`, {reason: reason.value});
      if (status === 200) { setStatus(li, "proposal rejected", "ok"); await loadProposals(li); }
      else setStatus(li, data.error || `error ${status}`, "error");
    }));
    return row;
  }

  // ---- moving between segments (only the visible ones) ----
  // In the one-segment view only the current segment is on screen; the others still count as shown
  // when the filters let them through.
  function visible(li) { return !li.hidden && (single || li.getClientRects().length > 0); }
  function goNext(li, pred, acrossPages) {
    const i = segments.indexOf(li);
    const after = segments.slice(i + 1).find(s => visible(s) && pred(s));
    if (after) { focus(after); return; }
    if (paged && acrossPages) {  // the next open segment may be on a later page (or, wrapping, an earlier one)
      setStatus(li, "opening the page of the next open segment…", "ok");
      const url = new URL(location.href);
      url.searchParams.set("next_open_after", li.dataset.id);
      url.searchParams.delete("nothing_open");
      url.hash = "";
      location.assign(url.toString());
      return;
    }
    const before = segments.slice(0, i).find(s => visible(s) && pred(s));
    if (before) focus(before);
    else setStatus(li, paged ? "no more segments to do on this page" : "no more segments to do here", "ok");
  }
  function goNextOpen(li) { goNext(li, s => OPEN.has(s.dataset.state), true); }
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
    if (single) fit(ta);  // it was not laid out while hidden
    if (document.activeElement !== ta) ta.focus({preventScroll: true});
    if (single) { showPosition(); li.scrollIntoView({block: "nearest"}); } else li.scrollIntoView({block: "center"});
    loadSuggestions(li);
    if (li.dataset.proposals !== "0" && !li.dataset.proposalsLoaded) {
      li.dataset.proposalsLoaded = "1";
      loadProposals(li);
    }
  }

  // ---- suggestions from the translation memory ----
  function diffNode(diff) {
    const span = el("span", {class: "diff", lang: "en", dir: "ltr"});
    diff.forEach(part => {
      const tag = part.op === "insert" ? "ins" : part.op === "delete" ? "del" : "span";
      span.append(el(tag, {}, part.text));
    });
    return span;
  }

  async function loadSuggestions(li, show) {
    if (!li.dataset.suggestionsLoaded) {
      li.dataset.suggestionsLoaded = "1";
      const {status, data} = await api("GET", `/segments/${li.dataset.id}/suggestions`);
      if (status !== 200 || !Array.isArray(data)) return;
      li._matches = data;
      renderSuggestions(li);
    }
    if (show && li._matches && li._matches.length) box(li, "suggestions").hidden = false;
  }

  function renderSuggestions(li) {
    const data = li._matches;
    const panel = box(li, "suggestions");
    if (!data.length) return;
    panel.replaceChildren(el("div", {class: "label"}, "Translation memory (Alt+M takes the first):"));
    data.forEach(m => {
      const row = el("div", {class: "match"});
      const head = el("div", {class: "match-head"});
      head.append(el("span", {class: "score"}, `${m.score}%`),
                  el("span", {class: "text", dir, lang: language}, m.text),
                  el("span", {class: "origin"}, m.origin || ""),
                  button("Use", "secondary", () => { replaceText(li, m.text); }));
      row.append(head);
      if (Array.isArray(m.diff) && m.diff.length && m.score < 100) {
        const made = el("div", {class: "made-for"});
        made.append(el("span", {class: "label"}, "Made for a different English text (struck out: only in that text; underlined: only in this segment): "),
                    diffNode(m.diff));
        row.append(made);
      } else if (typeof m.source === "string" && m.source !== li.dataset.source) {
        const made = el("div", {class: "made-for"});
        made.append(el("span", {class: "label"}, "Made for: "), el("span", {lang: "en", dir: "ltr"}, m.source));
        row.append(made);
      }
      panel.append(row);
    });
    panel.hidden = false;
  }

  function takeSuggestion(li) {
    if (li._matches && li._matches.length) replaceText(li, li._matches[0].text);
    else if (li.dataset.state === "machine") replaceText(li, li.dataset.saved);
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

  // ---- history: word diffs of the source and of each change, restore, comments with @mentions ----
  function when(at) { return at.slice(0, 16).replace("T", " "); }

  function commentNode(c) {
    // @names that are people of the language are highlighted, with the name they chose to be shown by.
    const node = el("li", {class: "comment"});
    node.append(el("span", {class: "meta"}, `${when(c.at)} ${c.user}: `));
    const body = el("span", {class: "comment-text"});
    const mentions = new Map((c.mentions || []).map(m => [m.name.toLowerCase(), m.shown]));
    c.text.split(/(@[\w][\w.-]*)/u).forEach((part, i) => {
      const shownAs = i % 2 ? mentions.get(part.slice(1).replace(/[.-]+$/, "").toLowerCase()) : undefined;
      if (shownAs === undefined) { body.append(part); return; }
      const name = part.slice(1).replace(/[.-]+$/, "");
      body.append(el("mark", {class: "mention", title: `${shownAs} (@${name})`}, "@" + shownAs),
                  part.slice(1 + name.length));
    });
    node.append(body);
    return node;
  }

  function showCommentCount(li, n) {
    li.dataset.comments = n;
    const badge = box(li, "comments-count");
    badge.textContent = `💬 ${n} comment${n === 1 ? "" : "s"}`;
    badge.hidden = !n;
  }

  async function restore(li, text) {
    // A normal save of the earlier text, with the version check: audited, checked, a proposal where it must be.
    box(li, "history-box").hidden = true;
    replaceText(li, text);
    setStatus(li, "restoring the earlier text…");
    // A proposal (approved text, a translator) keeps the save's own message about waiting for a reviewer.
    if (await save(li, false) && li.querySelector(".status").textContent === "saved") setStatus(li, "earlier text restored", "ok");
  }

  async function renderHistory(li) {
    const panel = box(li, "history-box");
    const {status, data} = await api("GET", `/segments/${li.dataset.id}/history`);
    if (status !== 200) { setStatus(li, data.error, "error"); return false; }
    const parts = [];
    if (data.source) {
      const src = el("div", {class: "source-change"});
      src.append(el("div", {class: "label"}, "The English source changed (struck out: removed; underlined: added):"),
                 diffNode(data.source.diff));
      parts.push(src);
    }
    const list = el("ul", {class: "changes"});
    const seen = new Set([li.dataset.saved]);
    data.changes.forEach(c => {
      const item = el("li", {class: "change"});
      item.append(el("span", {class: "meta"}, `${when(c.at)} ${c.user} ${c.action}: ${LABELS[c.old_state] || c.old_state || "–"} → ${LABELS[c.new_state] || c.new_state}${c.note ? " (" + c.note + ")" : ""}`));
      const diff = diffNode(c.diff || [{op: "insert", text: c.new}]);
      diff.setAttribute("dir", dir);
      diff.setAttribute("lang", language);
      item.append(el("br"), diff);
      // Each earlier text can come back once in the list (not the one saved now).
      [c.old, c.new].forEach(text => {
        if (typeof text !== "string" || !text || seen.has(text)) return;
        seen.add(text);
        const b = button(c.old === text && c.new !== text ? "Restore the text before" : "Restore this text",
                         "secondary restore", () => restore(li, text));
        b.dataset.text = text;
        item.append(" ", b);
      });
      list.append(item);
    });
    const comments = el("ul", {class: "comments"});
    data.comments.forEach(c => comments.append(commentNode(c)));
    showCommentCount(li, data.comments.length);
    if (!list.children.length && !comments.children.length) list.append(el("li", {}, "No changes or comments yet."));
    const input = el("input", {type: "text", placeholder: "Add a comment (@name tells a teammate) and press Enter",
                               "aria-label": "Comment"});
    input.addEventListener("keydown", async e => {
      if (e.key !== "Enter" || !input.value.trim()) return;
      e.preventDefault();
      const r = await api("POST", `/segments/${li.dataset.id}/comments`, {text: input.value});
      if (r.status === 201) { input.value = ""; await renderHistory(li); box(li, "history-box").querySelector("input").focus(); }
      else setStatus(li, r.data.error, "error");
    });
    panel.replaceChildren(...parts, list, comments, input);
    panel.hidden = false;
    return true;
  }

  async function toggleHistory(li) {
    const panel = box(li, "history-box");
    if (!panel.hidden) { panel.hidden = true; return; }
    await renderHistory(li);
  }

  // ---- markup tokens: links, code, placeholders and emphasis of the source, inserted at the caret ----
  function tokens(li) { return Array.from(li.querySelectorAll(".tokens button.token")); }

  function insertToken(li, token) {
    const ta = textarea(li);
    const start = ta.selectionStart, end = ta.selectionEnd;
    const open = token.dataset.open, close = token.dataset.close || "";
    const chosen = ta.value.slice(start, end);
    const text = open + chosen + close;
    ta.focus();
    ta.setSelectionRange(start, end);
    if (!document.execCommand("insertText", false, text) || ta.value.slice(start, start + text.length) !== text) {
      ta.setRangeText(text, start, end, "end");
      ta.dispatchEvent(new Event("input", {bubbles: true}));
    }
    // A link or emphasis without selected words: the caret goes between its halves, to type them.
    const caret = close && !chosen ? start + open.length : start + text.length;
    ta.setSelectionRange(caret, caret);
  }

  function occurrences(text, needle) {
    let n = 0, at = 0;
    while ((at = text.indexOf(needle, at)) !== -1) { n += 1; at += needle.length; }
    return n;
  }

  // While typing: the tokens the translation lost or changed (the server's checks follow, debounced).
  function tokenCheck(li) {
    const warning = box(li, "token-warning");
    if (!warning) return;
    const text = textarea(li).value;
    const lost = text.trim() ? tokens(li).filter(t => t.dataset.needle &&
      occurrences(text, t.dataset.needle) < parseInt(t.dataset.count || "1", 10)) : [];
    tokens(li).forEach(t => t.classList.toggle("lost", lost.includes(t)));
    warning.replaceChildren();
    if (lost.length) {
      warning.append(`Lost or changed markup of the source (${lost.length}): `);
      lost.forEach((t, i) => warning.append(i ? ", " : "", el("bdi", {dir: "ltr", class: "tok"}, t.dataset.text)));
      warning.append(". Click a token to insert it.");
    }
    warning.hidden = !lost.length;
  }

  // Right-to-left: the translation shown again under the textarea, its markup and URLs isolated
  // left to right, so that a link's address does not display scrambled among the words.
  const MARKUP = /(\]\([^()\s]*\)|`[^`\n]+`|<(?:https?|ftp|mailto):[^<>\s]+>|\b(?:https?|ftp):\/\/[^\s<>"]*[^\s<>".,;:!?)\]'’”]|\{\{[^{}\n]*\}\}|\{[%<#:.][^{}\n]*\}|\{[A-Za-z_][\w.]*\}|%(?:\d\$)?(?:\(\w+\))?[-+#0]?\d*(?:\.\d+)?[sdifuxXc]|\[\^[^\]\s]+\])/u;
  function markupView(li) {
    const view = box(li, "markup-view");
    if (!view) return;
    const text = textarea(li).value;
    const pieces = text.split(MARKUP);
    view.replaceChildren(el("span", {class: "label"}, "Markup kept left to right: "));
    pieces.forEach((piece, i) => {
      if (!piece) return;
      view.append(i % 2 ? el("bdi", {dir: "ltr", class: "tok"}, piece) : piece);
    });
    view.hidden = pieces.length < 2;
  }

  // ---- the source rendered or as Markdown (with the links' addresses) ----
  const sourceToggle = document.getElementById("source-toggle");
  function showRaw(raw) {
    root.classList.toggle("raw-source", raw);
    segments.forEach(li => { box(li, "rendered").hidden = raw; box(li, "raw").hidden = !raw; });
    sourceToggle.setAttribute("aria-pressed", String(raw));
    sourceToggle.textContent = raw ? "Show formatted" : "Show Markdown";
    const store = storage();
    if (store) store.setItem("translate-app:raw-source", raw ? "1" : "0");
  }
  sourceToggle.addEventListener("click", () => showRaw(!root.classList.contains("raw-source")));

  // ---- one segment at a time (phones, and focus) or the whole list ----
  let single = false;
  const viewToggle = document.getElementById("view-toggle");
  const filtersToggle = document.getElementById("filters-toggle");
  const position = document.getElementById("position");
  function showPosition() {
    const shown = segments.filter(visible);
    const i = shown.indexOf(current);
    position.textContent = i === -1 ? "" : `${i + 1} of ${shown.length}`;
  }
  function setView(one, remember) {
    single = one;
    root.classList.toggle("single", one);
    viewToggle.setAttribute("aria-pressed", String(one));
    viewToggle.textContent = one ? "Show the list" : "One at a time";
    filtersToggle.hidden = !one;
    root.classList.remove("show-filters");
    filtersToggle.setAttribute("aria-expanded", "false");
    const store = storage();
    if (remember && store) store.setItem("translate-app:view", one ? "single" : "list");
    if (current) focus(current);
  }
  viewToggle.addEventListener("click", () => setView(!single, true));
  filtersToggle.addEventListener("click", () => {
    const open = root.classList.toggle("show-filters");
    filtersToggle.setAttribute("aria-expanded", String(open));
  });
  document.getElementById("single-nav").addEventListener("click", e => {
    const b = e.target.closest("button[data-go]");
    if (!b || !current) return;
    if (b.dataset.go === "previous") move(current, -1);
    else if (b.dataset.go === "next") move(current, 1);
    else goNextOpen(current);
    if (document.activeElement === b) textarea(current).focus({preventScroll: true});  // nowhere to go: back to typing
  });

  // A textarea grows with its text, so that nothing is hidden on a narrow screen.
  function fit(ta) {
    ta.style.height = "auto";
    ta.style.height = (ta.scrollHeight + 2) + "px";
  }

  segments.forEach(li => {
    const ta = textarea(li);
    ta.addEventListener("focus", () => { if (current !== li) focus(li); fit(ta); });
    ta.addEventListener("input", () => {
      fit(ta);
      if (li.dataset.confirmed === "asked") { delete li.dataset.confirmed; box(li, "confirm").hidden = true; }
      markDirty(li);
      liveChecks(li);
      tokenCheck(li);
      markupView(li);
    });
    tokens(li).forEach(t => {
      t.addEventListener("mousedown", e => e.preventDefault());  // the caret stays in the textarea
      t.addEventListener("click", () => insertToken(li, t));
    });
    tokenCheck(li);
    markupView(li);
    li.querySelectorAll("button[data-action]").forEach(b => b.addEventListener("click", () => {
      const action = b.dataset.action;
      if (action === "save") save(li, true);
      else if (action === "approve") approve(li);
      else if (action === "copy") replaceText(li, li.dataset.source);
      else if (action === "history") toggleHistory(li);
    }));
  });

  // The segment the keyboard acts on: the current one if visible, else the first visible one.
  function target() {
    if (current && visible(current)) return current;
    const first = segments.find(visible);
    if (first) focus(first);
    return null;
  }

  document.addEventListener("keydown", e => {
    if (!current) return;
    const inSegment = e.target instanceof Element && e.target.closest("li.segment");
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !e.shiftKey) {
      e.preventDefault();
      const li = target();
      if (li) save(li, true);
    } else if (e.altKey && !e.ctrlKey && e.key === "ArrowDown") { e.preventDefault(); if (visible(current)) move(current, 1); else target(); }
    else if (e.altKey && !e.ctrlKey && e.key === "ArrowUp") { e.preventDefault(); if (visible(current)) move(current, -1); else target(); }
    else if (!inSegment) return;
    else if (e.altKey && !e.ctrlKey && e.code === "KeyA") { e.preventDefault(); approve(current); }
    else if (e.altKey && !e.ctrlKey && e.code === "KeyC") { e.preventDefault(); replaceText(current, current.dataset.source); }
    else if (e.altKey && !e.ctrlKey && e.code === "KeyM") { e.preventDefault(); takeSuggestion(current); }
    else if (e.altKey && !e.ctrlKey && e.code === "KeyH") { e.preventDefault(); toggleHistory(current); }
    else if (e.altKey && !e.ctrlKey && /^Digit[1-9]$/.test(e.code)) {
      const token = tokens(current)[parseInt(e.code.slice(5), 10) - 1];
      if (token) { e.preventDefault(); insertToken(current, token); }
    }
  });

  // ---- filters: by state, by failing check, by text in source or translation ----
  const fState = document.getElementById("filter-state");
  const fCheck = document.getElementById("filter-check");
  const fText = document.getElementById("filter-text");
  const fCount = document.getElementById("filter-count");
  const filterForm = document.querySelector("form.filters");
  if (paged) {
    // Filtering happens on the server: a changed filter loads its first page (the form's own submit).
    [fState, fCheck].forEach(f => f.addEventListener("change", () => filterForm.requestSubmit()));
  } else {
    filterForm.addEventListener("submit", e => e.preventDefault());
  }
  function applyFilters() {
    if (paged) return;  // the server filtered this page; the count says what it holds
    const state = fState.value, check = fCheck.value, text = fText.value.trim().toLowerCase();
    segments.forEach(li => {
      let ok = true;
      if (state === "open") ok = OPEN.has(li.dataset.state);
      else if (state === "proposals") ok = li.dataset.proposals !== "0";
      else if (state) ok = li.dataset.state === state;
      if (ok && check === "failing") ok = li.dataset.checks !== "0";
      if (ok && check === "error") ok = li.dataset.errors !== "0";
      if (ok && text) ok = li.dataset.source.toLowerCase().includes(text) || textarea(li).value.toLowerCase().includes(text);
      li.hidden = !ok;
    });
    const shown = segments.filter(visible).length;  // what is on screen, not what the filter meant to show
    fCount.textContent = `${shown} of ${segments.length} segments`;
    if (single && current && !visible(current)) target();
    if (single) showPosition();
  }
  if (!paged) {
    [fState, fCheck].forEach(f => f.addEventListener("change", applyFilters));
    fText.addEventListener("input", applyFilters);
  }

  {
    // Phones start with one segment at a time; a choice made with the toggle is kept.
    const store = storage();
    const chosen = store && store.getItem("translate-app:view");
    const one = chosen ? chosen === "single" : window.matchMedia("(max-width: 600px)").matches;
    setView(one, false);
    if (store && store.getItem("translate-app:raw-source") === "1") showRaw(true);
  }
  restoreDrafts();
  applyFilters();
  segments.forEach(li => fit(textarea(li)));
  window.addEventListener("resize", () => segments.forEach(li => { if (visible(li)) fit(textarea(li)); }));
  const wanted = location.hash.startsWith("#seg-") ? document.getElementById(location.hash.slice(1)) : null;
  const first = (wanted && segments.includes(wanted) && visible(wanted) ? wanted : null) ||
    segments.find(s => visible(s) && OPEN.has(s.dataset.state)) || segments.find(visible);
  if (first) focus(first);
  if (first && new URLSearchParams(location.search).has("nothing_open")) {
    setStatus(first, "no more open segments in this release", "ok");  // beside the segment, where the eyes are
  }
  if (window.performance && performance.mark) performance.mark("editor-ready");  // for bench/editor_size.py
  if (first && first === wanted) {
    // The browser scrolls to the #seg- fragment once the page has loaded, which can take the focus away.
    window.addEventListener("load", () => { if (document.activeElement !== textarea(first)) focus(first); });
  }
})();
