// The embargo form: a new embargo starts in the coordinator's own time zone (the browser's), when the list has it.
(function () {
  var form = document.querySelector(".embargo-form");
  if (!form || form.dataset.embargoSet) return;
  var select = form.querySelector(".embargo-zone");
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  if (!select || !zone) return;
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) { select.value = zone; return; }
  }
})();
