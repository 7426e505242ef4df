// Coordinator pages: a searchable language picker (pre-translation is in pretranslate.js).
"use strict";
(function () {
  document.querySelectorAll(".language-picker").forEach(picker => {
    const field = document.getElementById(picker.dataset.target);
    const search = picker.querySelector(".picker-search");
    const items = Array.from(picker.querySelectorAll(".picker-item"));
    const codes = () => field.value.split(/[\s,]+/).filter(Boolean);
    function sync() { items.forEach(i => { i.querySelector("input").checked = codes().includes(i.querySelector("input").value); }); }
    search.addEventListener("input", () => {
      const q = search.value.trim().toLowerCase();
      items.forEach(i => { i.hidden = q.length > 0 && !i.dataset.search.includes(q); });
    });
    items.forEach(i => i.querySelector("input").addEventListener("change", e => {
      const set = codes().filter(c => c !== e.target.value);
      if (e.target.checked) set.push(e.target.value);
      field.value = set.join(",");
    }));
    field.addEventListener("input", sync);
    sync();
  });
})();
