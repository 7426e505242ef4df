// Type-ahead language pickers: a combobox (WAI-ARIA 1.2 pattern) that lists common languages first,
// renders only the languages that match what is typed, and shows the chosen ones as removable chips.
// The form field it fills (data-target) keeps comma-separated codes; without JavaScript that field
// is shown as it is and takes names or codes.
"use strict";
(function () {
  const pickers = document.querySelectorAll(".language-picker");
  if (!pickers.length) return;
  const LIMIT = 15;
  const loaded = {};
  const load = url => (loaded[url] ||= fetch(url, {credentials: "same-origin"}).then(r => {
    if (!r.ok) throw new Error(`languages: ${r.status}`);
    return r.json();
  }));
  const fold = s => s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();

  pickers.forEach(picker => load(picker.dataset.source).then(list => setup(picker, list),
    () => { /* the plain field still takes names or codes */ }));

  function setup(picker, list) {
    const field = document.getElementById(picker.dataset.target);
    const search = picker.querySelector(".picker-search");
    const listbox = picker.querySelector(".picker-list");
    const chips = picker.querySelector(".picker-chosen");
    const status = picker.querySelector(".picker-status");
    const byCode = new Map(list.map(l => [l.code.toLowerCase(), l]));
    const byName = new Map();
    list.forEach(l => byName.set(fold(l.name), l));
    list.forEach(l => { if (!byName.has(fold(l.native))) byName.set(fold(l.native), l); });
    const find = text => byCode.get(text.toLowerCase().replace("-", "_")) || byName.get(fold(text));
    const name = code => (byCode.get(code.toLowerCase()) || {name: code}).name;

    let chosen = field.value.split(/[,;\n]+/).map(s => s.trim()).filter(Boolean)
      .map(part => (find(part) || {code: part}).code);
    chosen = [...new Set(chosen)];
    let options = [];
    let active = -1;
    let quiet = false;  // focus given back after removing a chip does not open the list

    const label = document.querySelector(`label[for="${field.id}"]`);
    if (label) { label.htmlFor = search.id; if (!label.id) label.id = `${field.id}-label`; search.setAttribute("aria-labelledby", label.id); }
    field.type = "hidden";
    field.removeAttribute("required");
    picker.hidden = false;

    function write() { field.value = chosen.join(","); }

    function renderChips() {
      chips.replaceChildren(...chosen.map(code => {
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "chip";
        button.dataset.code = code;
        button.setAttribute("aria-label", `Remove ${name(code)}`);
        const text = document.createElement("span");
        text.textContent = name(code);
        const x = document.createElement("span");
        x.className = "x";
        x.setAttribute("aria-hidden", "true");
        x.textContent = "×";
        button.append(text, x);
        button.addEventListener("click", () => { toggle(code); quiet = true; search.focus(); quiet = false; });
        li.append(button);
        return li;
      }));
    }

    function rank(l, q) {
      const en = fold(l.name), nat = fold(l.native), code = l.code.toLowerCase();
      let r;
      if (code === q || en === q || nat === q) r = 0;
      else if (en.startsWith(q) || nat.startsWith(q)) r = 1;
      else if (en.includes(" " + q) || nat.includes(" " + q) || en.includes("(" + q) || code.startsWith(q)) r = 2;
      else if (en.includes(q) || nat.includes(q)) r = 3;
      else return -1;
      return r * 2 + (l.common ? 0 : 1);
    }

    function matches(text) {
      const q = fold(text);
      if (!q) return list.filter(l => l.common);
      return list.map((l, i) => [rank(l, q), i, l]).filter(m => m[0] >= 0)
        .sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(m => m[2]);
    }

    function open() {
      const all = matches(search.value);
      options = all.slice(0, LIMIT);
      const items = options.map((l, i) => {
        const li = document.createElement("li");
        li.id = `${listbox.id}-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", chosen.includes(l.code) ? "true" : "false");
        li.dataset.code = l.code;
        const en = document.createElement("span");
        en.textContent = l.name;
        const nat = document.createElement("span");
        nat.className = "native";
        nat.lang = l.code.replace("_", "-");
        nat.dir = l.dir;
        nat.textContent = l.native === l.name ? "" : l.native;
        const code = document.createElement("code");
        code.textContent = l.code;
        li.append(en, nat, code);
        li.addEventListener("mousedown", e => e.preventDefault());  // keep the focus in the search field
        li.addEventListener("click", () => toggle(l.code));
        return li;
      });
      listbox.replaceChildren(...items);
      if (!options.length) {
        const li = document.createElement("li");
        li.className = "empty";
        li.textContent = `No language matches “${search.value.trim()}”.`;
        listbox.append(li);
      } else if (all.length > options.length) {
        const li = document.createElement("li");
        li.className = "empty";
        li.textContent = `${all.length - options.length} more: keep typing to narrow the list.`;
        listbox.append(li);
      }
      listbox.hidden = false;
      search.setAttribute("aria-expanded", "true");
      setActive(options.length ? 0 : -1);
      status.textContent = search.value.trim()
        ? `${all.length} language${all.length === 1 ? "" : "s"} match.` : "Common languages listed; type to find others.";
    }

    function close() {
      listbox.hidden = true;
      search.setAttribute("aria-expanded", "false");
      search.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(i) {
      const items = listbox.querySelectorAll("[role=option]");
      items.forEach(li => li.classList.remove("active"));
      active = i;
      if (i < 0 || !items[i]) { search.removeAttribute("aria-activedescendant"); return; }
      items[i].classList.add("active");
      items[i].scrollIntoView({block: "nearest"});
      search.setAttribute("aria-activedescendant", items[i].id);
    }

    function toggle(code) {
      const had = chosen.includes(code);
      chosen = had ? chosen.filter(c => c !== code) : chosen.concat(code);
      write();
      renderChips();
      const count = `${chosen.length} chosen`;
      search.value = "";
      close();  // an open list would cover the fields and buttons below
      status.textContent = `${name(code)} ${had ? "removed" : "added"}; ${count}.`;
    }

    search.addEventListener("focus", () => { if (!quiet) open(); });
    search.addEventListener("click", () => { if (listbox.hidden) open(); });
    search.addEventListener("input", open);
    search.addEventListener("blur", close);
    search.addEventListener("keydown", e => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (listbox.hidden) { open(); return; }
        if (!options.length) return;
        const step = e.key === "ArrowDown" ? 1 : -1;
        setActive((active + step + options.length) % options.length);
      } else if (e.key === "Enter") {
        if (!listbox.hidden && active >= 0) { e.preventDefault(); toggle(options[active].code); }
        else if (search.value.trim()) e.preventDefault();  // a half-typed name must not submit the form
      } else if (e.key === "Escape") {
        if (!listbox.hidden) { e.preventDefault(); close(); }
      } else if (e.key === "Backspace" && !search.value && chosen.length) {
        toggle(chosen[chosen.length - 1]);
      }
    });
    renderChips();
  }
})();
