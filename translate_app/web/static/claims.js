// Claims: take a section or a range of segments so that nobody else translates them meanwhile.
// In the editor: a panel to claim, renew and release, and a note on every claimed segment, which turns
// into a warning when someone else starts editing it. On the release page (coordinators): every claim.
(function () {
  "use strict";
  const T = window.TASuggest;
  if (!T) return;
  const {el, button, api, clock} = T;

  const coordinatorList = document.getElementById("release-claims");
  if (coordinatorList) { showAll(coordinatorList); return; }

  const panel = T.toolPanel("claims-panel", "Claims");
  if (!panel) return;
  const body = panel.querySelector(".tool-body");
  let state = {claims: [], sections: []};

  function numberOf(li) { return parseInt((li.querySelector(".where") || {}).textContent, 10) || 0; }
  function describe(c) { return `${c.mine ? "you" : c.by} until ${clock(c.until)}`; }

  function mark() {
    const holder = {};
    state.claims.forEach(c => c.segments.forEach(id => { holder[id] = c; }));
    T.segments().forEach(li => {
      let note = li.querySelector(".claim-note");
      const c = holder[li.dataset.id];
      if (!c) { if (note) note.remove(); return; }
      if (!note) {
        note = el("p", {class: "claim-note"});
        (li.querySelector(".source") || li).prepend(note);
      }
      note.classList.toggle("mine", c.mine);
      note.classList.remove("warn");
      note.removeAttribute("role");
      note.textContent = c.mine ? `Claimed by you until ${clock(c.until)}` : `Claimed by ${c.by} until ${clock(c.until)}`;
      li.dataset.claimedBy = c.mine ? "" : c.by;
    });
  }

  async function refresh() {
    const {status, data} = await api("GET", "/claims");
    if (status !== 200) { body.textContent = data.error || `error ${status}`; return; }
    state = data;
    panel.querySelector("summary").textContent = `Claims (${data.claims.length})`;
    render();
    mark();
  }

  function render() {
    body.replaceChildren();
    const list = el("ul", {class: "claims-list"});
    state.claims.forEach(c => {
      const item = el("li", {}, `${c.label} — ${describe(c)} `);
      if (c.mine) {
        item.append(button("Renew", "secondary", () => act(`/claims/${c.id}/renew`, {})),
                    button("Release", "secondary", () => act(`/claims/${c.id}/release`, {})));
      }
      list.append(item);
    });
    if (!state.claims.length) list.append(el("li", {class: "meta"}, "Nobody has claimed a part of this language."));
    const status = el("p", {class: "claim-status", role: "status"});
    const hours = el("select", {"aria-label": "For how long"});
    [1, 2, 4, 8].forEach(h => { const o = el("option", {value: h}, `${h} h`); if (h === state.default_hours) o.selected = true; hours.append(o); });
    const section = el("select", {"aria-label": "Section to claim", class: "claim-section"});
    state.sections.forEach(s => section.append(el("option", {value: s.first}, `${s.label} (${s.size} segments)`)));
    const from = el("input", {type: "number", min: 1, class: "claim-from", "aria-label": "From segment number"});
    const to = el("input", {type: "number", min: 1, class: "claim-to", "aria-label": "To segment number"});
    const bySection = el("div", {class: "claim-form"});
    bySection.append(el("label", {}, "Section "), section, button("Claim section", "claim-section-button", () =>
      act("/claims", {first: section.value, hours: Number(hours.value)})));
    const byRange = el("div", {class: "claim-form"});
    byRange.append(el("span", {}, "Segments "), from, el("span", {}, " to "), to, button("Claim range", "secondary", () => {
      const ids = {};
      T.segments().forEach(li => { ids[numberOf(li)] = li.dataset.id; });
      const first = ids[Number(from.value)], last = ids[Number(to.value)];
      if (!first || !last) { status.textContent = "Give the numbers of two segments shown on this page."; return; }
      act("/claims", {first, last, hours: Number(hours.value)});
    }));
    const length = el("div", {class: "claim-form"});
    length.append(el("span", {}, "For "), hours);
    body.append(list, bySection, byRange, length, status);
  }

  async function act(path, payload) {
    const {status, data} = await api("POST", path, payload);
    await refresh();
    const line = body.querySelector(".claim-status");
    if (line) line.textContent = status < 300 ? "Done." : (data.error || `error ${status}`);
  }

  // Someone else's claim: warn (never block) as soon as a person starts editing one of its segments.
  document.addEventListener("input", event => {
    const li = event.target.closest && event.target.closest("li.segment");
    if (!li || !li.dataset.claimedBy) return;
    const note = li.querySelector(".claim-note");
    if (note && !note.classList.contains("warn")) {
      note.classList.add("warn");
      note.setAttribute("role", "alert");
      note.textContent += ". You can still save; better agree with them first.";
    }
  });

  refresh();
  setInterval(refresh, 60000);

  async function showAll(container) {
    const {status, data} = await api("GET", "/claims");
    const list = container.querySelector("ul") || container.appendChild(el("ul", {class: "claims-list"}));
    list.replaceChildren();
    if (status !== 200) { list.append(el("li", {}, data.error || `error ${status}`)); return; }
    if (!data.length) list.append(el("li", {class: "meta"}, "No claims."));
    data.forEach(c => {
      const item = el("li", {}, `${c.language}: ${c.label} — ${c.by} until ${clock(c.until)} `);
      item.append(button("Release", "secondary", async () => {
        const path = `/api/releases/${encodeURIComponent(T.release)}/${encodeURIComponent(c.language)}/claims/${c.id}/release`;
        const {status} = await api("POST", path, {});
        if (status === 200) showAll(container);
      }));
      list.append(item);
    });
  }
})();
