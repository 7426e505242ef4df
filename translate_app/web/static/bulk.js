// Bulk review for reviewers: approve (or accept the best suggestion of) every segment the editor's filters
// show. The checks come first: segments whose blocking checks fail are listed and skipped unless the
// reviewer overrides them one by one with a reason; then everything goes to the catalog in one batch.
(function () {
  "use strict";
  const T = window.TASuggest;
  if (!T || !document.getElementById("editor") || !T.canReview) return;
  const {el, button, api} = T;
  const panel = T.toolPanel("bulk-panel", "Bulk review");
  if (!panel) return;
  const body = panel.querySelector(".tool-body");

  const value = id => (document.getElementById(id) || {}).value || "";
  const action = el("select", {class: "bulk-action", "aria-label": "What to do"});
  action.append(el("option", {value: "approve"}, "Approve the translations"),
                el("option", {value: "accept"}, "Accept the best-voted suggestion"));
  const result = el("div", {class: "bulk-result", "aria-live": "polite"});
  const intro = el("p", {class: "meta"}, "Acts on every segment the filters above show (state, checks, search), also on other pages.");
  const start = el("div", {class: "bulk-form"});
  start.append(action, button("Check the filtered segments", "bulk-check", plan));
  body.append(intro, start, result);

  function checksText(checks) { return checks.map(c => `${c.name}: ${c.message}`).join("; "); }

  async function plan() {
    result.replaceChildren(el("p", {class: "meta"}, "Checking…"));
    const {status, data} = await api("POST", "/bulk/plan", {action: action.value, state: value("filter-state"),
                                                             check: value("filter-check"), q: value("filter-text")});
    if (status !== 200) { result.replaceChildren(el("p", {class: "error"}, data.error || `error ${status}`)); return; }
    const items = data.items;
    const verb = action.value === "approve" ? "approve" : "accept";
    result.replaceChildren();
    if (!items.length) { result.append(el("p", {}, `Nothing to ${verb} among the filtered segments.`)); return; }
    result.append(el("p", {class: "bulk-summary"},
      `${items.length} segment${items.length === 1 ? "" : "s"} to ${verb}: ${data.ready} pass their checks` +
      (data.blocked ? `, ${data.blocked} fail a check and will be skipped unless you override them below.` : ".")));
    const overrides = {};
    const failing = items.filter(i => i.blocking.length || i.errors.length || i.own);
    if (failing.length) {
      const list = el("ul", {class: "bulk-failing"});
      failing.forEach(i => {
        const li = el("li", {"data-id": i.id});
        li.append(el("span", {class: "number"}, `#${i.number} `), el("span", {class: "text", lang: T.language}, i.text));
        if (i.errors.length) li.append(el("div", {class: "error"}, `Cannot be approved: ${checksText(i.errors)}`));
        else if (i.own) li.append(el("div", {class: "error"}, "Your own text: another reviewer must approve it."));
        else {
          li.append(el("div", {class: "blocking"}, `Blocks approval: ${checksText(i.blocking)}`));
          if (action.value === "approve") {
            const reason = el("input", {type: "text", class: "override-reason", "aria-label": `Reason to override segment ${i.number}`,
                                         placeholder: "Reason to approve anyway (at least a few words)"});
            const box = el("label", {class: "check"});
            const tick = el("input", {type: "checkbox", class: "override-tick"});
            box.append(tick, document.createTextNode(" Override"));
            tick.addEventListener("change", () => { overrides[i.id] = tick.checked ? reason : null; reason.hidden = !tick.checked; if (tick.checked) reason.focus(); });
            reason.hidden = true;
            li.append(box, reason);
          }
        }
        list.append(li);
      });
      result.append(list);
    }
    result.append(button(`${verb === "approve" ? "Approve" : "Accept"} now`, "bulk-run", () => run(items, overrides)));
  }

  async function run(items, overrides) {
    const chosen = [];
    for (const i of items) {
      const reason = overrides[i.id];
      if (i.errors.length || i.own) continue;
      if (i.blocking.length && !reason) continue;
      const item = {id: i.id, version: i.version};
      if (reason) item.override = reason.value;
      if (i.proposal) item.proposal = i.proposal;
      chosen.push(item);
    }
    if (!chosen.length) { result.append(el("p", {class: "error"}, "Nothing left to do: every segment was skipped.")); return; }
    const {status, data} = await api("POST", "/bulk", {action: action.value, items: chosen});
    if (status !== 200) { result.append(el("p", {class: "error"}, data.error || `error ${status}`)); return; }
    const skipped = items.length - chosen.length;
    const problems = data.results.filter(r => r.outcome === "conflict" || r.outcome === "refused");
    result.replaceChildren(el("p", {class: "bulk-done", role: "status"},
      `${data.done} ${action.value === "approve" ? "approved" : "accepted"}` + (skipped ? `, ${skipped} skipped` : "") +
      (problems.length ? `, ${problems.length} not done` : "") + "."));
    if (problems.length) {
      const list = el("ul", {class: "bulk-failing"});
      problems.forEach(r => list.append(el("li", {}, `${r.outcome}: ${r.message || ""}`)));
      result.append(list);
    }
    data.results.filter(r => r.segment).forEach(r => {
      const li = document.getElementById("seg-" + r.id);
      if (!li) return;
      li.dataset.version = r.segment.version;
      li.dataset.state = r.segment.state;
      li.className = li.className.replace(/state-\S+/, "state-" + r.segment.state);
      const badge = li.querySelector(".state.badge");
      if (badge) { badge.className = "state badge " + r.segment.state; badge.textContent = "Approved"; }
    });
    result.append(button("Reload the page", "secondary", () => location.reload()));
  }
})();
