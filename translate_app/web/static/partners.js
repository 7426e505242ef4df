// The alignment screen: move, merge, split and clear the partner's texts before anything is written.
(function () {
  "use strict";
  const form = document.querySelector("form.align-form");
  if (!form) return;
  const rows = Array.from(form.querySelectorAll("tr.align-row"));
  const areas = rows.map(r => r.querySelector("textarea"));
  const live = document.querySelector("p.live");
  const writeButton = form.querySelector("button.write-button");
  const SENTENCE_END = /[.!?。！？؟]["'»”’)]*\s+/g;

  function say(message) { if (live) live.textContent = message; }

  function setText(i, text) {
    if (areas[i].value !== text) {
      areas[i].value = text;
      rows[i].classList.add("changed");
    }
  }

  function join(a, b) { return [a.trim(), b.trim()].filter(Boolean).join(" "); }

  function updateCount() {
    const n = rows.filter((r, i) => areas[i].value.trim() && !r.classList.contains("is-kept")).length;
    writeButton.textContent = `Write ${n} segment${n === 1 ? "" : "s"} as needs review`;
    writeButton.dataset.count = String(n);
    writeButton.disabled = n === 0 && !form.querySelector('input[name="propose"]:checked');
  }

  function swap(i, j) {
    if (j < 0 || j >= rows.length) return;
    const a = areas[i].value, b = areas[j].value;
    setText(i, b); setText(j, a);
    areas[j].focus();
    say(`Row ${i + 1}'s text moved to row ${j + 1}.`);
  }

  function merge(i) {
    if (i + 1 >= rows.length) return;
    setText(i, join(areas[i].value, areas[i + 1].value));
    setText(i + 1, "");
    areas[i].focus();
    say(`Row ${i + 2}'s text merged into row ${i + 1}; row ${i + 2} is empty.`);
  }

  // Put text into row i, pushing the texts below down to the first empty row (the last row takes what is left).
  function insert(i, text) {
    let carry = text;
    for (let k = i; k < rows.length && carry; k++) {
      const here = areas[k].value;
      if (k === rows.length - 1) { setText(k, join(carry, here)); carry = ""; break; }
      setText(k, carry);
      carry = here.trim() ? here : "";
    }
  }

  function splitPoint(text, caret) {
    if (caret > 0 && caret < text.length) return caret;
    let best = -1, bestOff = Infinity;
    for (const m of text.matchAll(SENTENCE_END)) {
      const at = m.index + m[0].length;
      if (at >= text.length) continue;
      const off = Math.abs(at - text.length / 2);
      if (off < bestOff) { best = at; bestOff = off; }
    }
    return best;
  }

  function split(i) {
    if (i + 1 >= rows.length) return;
    const text = areas[i].value;
    const at = splitPoint(text, areas[i].selectionStart === areas[i].selectionEnd ? areas[i].selectionStart : -1);
    if (at <= 0) { say(`Row ${i + 1} has one sentence: put the cursor where it should be split.`); return; }
    setText(i, text.slice(0, at).trim());
    insert(i + 1, text.slice(at).trim());
    areas[i + 1].focus();
    say(`Row ${i + 1} split; its second part is now in row ${i + 2}.`);
  }

  function clear(i) {
    setText(i, "");
    areas[i].focus();
    say(`Row ${i + 1} cleared: it will not be written.`);
  }

  function act(action, i) {
    if (action === "up") swap(i, i - 1);
    else if (action === "down") swap(i, i + 1);
    else if (action === "merge") merge(i);
    else if (action === "split") split(i);
    else if (action === "clear") clear(i);
    updateCount();
  }

  rows.forEach((row, i) => {
    row.querySelectorAll("button[data-action]").forEach(b => b.addEventListener("click", () => act(b.dataset.action, i)));
    areas[i].addEventListener("input", () => { row.classList.add("changed"); updateCount(); });
    areas[i].addEventListener("keydown", event => {
      if (!event.altKey) return;
      const action = {ArrowUp: "up", ArrowDown: "down", m: "merge", M: "merge", s: "split", S: "split"}[event.key];
      if (action) { event.preventDefault(); act(action, i); }
    });
  });
  form.addEventListener("change", event => { if (event.target.name === "propose") updateCount(); });
  updateCount();
})();
