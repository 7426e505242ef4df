// Release page: start machine pre-translation and show its progress honestly:
// filled, no match and failed are separate parts of the bar; errors are shown as the server words them;
// the language counts above refresh when the job ends; the last job is shown again after a reload.
"use strict";
(function () {
  const section = document.getElementById("pretranslate");
  if (!section) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const form = section.querySelector("form.pretranslate-form");
  const button = form.querySelector('button[type="submit"]');
  const box = section.querySelector(".job");
  const bar = box.querySelector(".job-bar");
  const title = box.querySelector(".job-title");
  const text = box.querySelector(".job-text");
  const note = box.querySelector(".job-note");
  const error = box.querySelector(".job-error");
  const RUNNING = ["queued", "running"];
  const names = {};
  section.querySelectorAll("[data-provider-id]").forEach(li => { names[li.dataset.providerId] = li.dataset.providerName; });
  const languageNames = {};
  form.querySelectorAll('input[name="languages"]').forEach(input => {
    languageNames[input.value] = input.closest("label").textContent.trim();
  });
  const when = new Intl.DateTimeFormat(undefined, {year: "numeric", month: "short", day: "numeric",
                                                   hour: "2-digit", minute: "2-digit", timeZoneName: "short"});

  function plural(n, one, many) { return `${n} ${n === 1 ? one : many}`; }

  function setPart(cls, n, total) {
    bar.querySelector(`.part.${cls}`).style.width = total ? `${(100 * n / total).toFixed(2)}%` : "0";
    box.querySelector(`.n-${cls}`).textContent = String(n);
    box.querySelector(`.key.${cls}`).hidden = cls !== "done" && n === 0;
  }

  function show(job, {fresh = false} = {}) {
    box.hidden = false;
    const total = job.total || 0;
    const handled = job.done + job.no_match + job.failed;
    const left = Math.max(total - handled, 0);
    setPart("done", job.done, total);
    setPart("no-match", job.no_match, total);
    setPart("failed", job.failed, total);
    box.querySelector(".n-left").textContent = String(left);
    box.querySelector(".key.left").hidden = left === 0 || !RUNNING.includes(job.status);
    bar.setAttribute("aria-label", `${job.done} filled, ${job.no_match} no match, ${job.failed} failed, ${left} left of ${total}`);
    const provider = names[job.provider] || job.provider;
    const languages = (job.languages || []).map(code => languageNames[code] || code).join(", ");
    const finished = job.finished_at ? `, ${when.format(new Date(job.finished_at))}` : "";
    title.textContent = RUNNING.includes(job.status) || fresh
      ? `Pre-translation: ${provider} → ${languages}` : `Last pre-translation: ${provider} → ${languages}${finished}`;
    let line;
    if (job.status === "queued") line = "Waiting to start…";
    else if (job.status === "running") {
      line = `Running: ${handled} of ${total} segments handled`;
      if (job.eta_seconds) line += `, about ${Math.ceil(job.eta_seconds)} s left`;
    } else if (job.status === "done") {
      line = job.done === total ? `Finished: all ${plural(total, "segment", "segments")} filled.`
        : `Finished: ${job.done} of ${plural(total, "segment", "segments")} filled.`;
      if (total === 0) line = "Finished: there was nothing untranslated to fill.";
      if (job.failed) line = `Finished with failures: ${job.done} of ${plural(total, "segment", "segments")} filled, ${job.failed} failed.`;
    } else if (job.status === "failed") line = `Failed: ${job.done} of ${plural(total, "segment", "segments")} filled before it stopped.`;
    else if (job.status === "cancelled") line = `Stopped: ${job.done} of ${plural(total, "segment", "segments")} filled.`;
    else line = job.status;
    text.textContent = line;
    const problem = job.status === "failed" || job.status === "cancelled" || (job.failed > 0 && !RUNNING.includes(job.status));
    error.hidden = !(problem && job.error);
    error.textContent = problem ? job.error : "";
    note.hidden = problem || !job.error || RUNNING.includes(job.status);
    note.textContent = problem ? "" : job.error;
    box.classList.toggle("failed", problem);
  }

  function showRefusal(message) {
    box.hidden = false;
    title.textContent = "Pre-translation not started";
    bar.hidden = true;
    box.querySelector(".job-legend").hidden = true;
    text.textContent = "";
    note.hidden = true;
    error.hidden = false;
    error.textContent = message;
    box.classList.add("failed");
  }

  async function refreshCounts() {
    // Take the language table from a fresh copy of this page, so its bars and publish buttons match the catalogs.
    const table = document.querySelector("table.langs tbody");
    if (!table) return;
    const response = await fetch(window.location.pathname, {credentials: "same-origin"});
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("table.langs tbody");
    if (fresh) table.replaceChildren(...Array.from(fresh.childNodes).map(n => document.importNode(n, true)));
  }

  async function poll(id) {
    let response;
    try {
      response = await fetch(`/api/jobs/${id}`, {credentials: "same-origin"});
    } catch (e) {
      setTimeout(() => poll(id), 2000);  // the service restarting: try again
      return;
    }
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      showRefusal(data.error || `cannot read job ${id} (HTTP ${response.status})`);
      button.disabled = false;
      return;
    }
    const job = await response.json();
    show(job, {fresh: true});
    if (RUNNING.includes(job.status)) { setTimeout(() => poll(id), 600); return; }
    button.disabled = false;
    await refreshCounts();
    text.textContent += " The language counts above are updated.";
  }

  form.addEventListener("submit", async e => {
    e.preventDefault();
    const languages = Array.from(form.querySelectorAll('input[name="languages"]:checked')).map(i => i.value);
    if (!languages.length) { showRefusal("Choose at least one language."); return; }
    const provider = form.querySelector('select[name="provider"]').value;
    button.disabled = true;
    bar.hidden = false;
    box.querySelector(".job-legend").hidden = false;
    box.classList.remove("failed");
    show({status: "queued", total: 0, done: 0, no_match: 0, failed: 0, provider, languages, error: ""}, {fresh: true});
    let response, data;
    try {
      response = await fetch(`/api/releases/${encodeURIComponent(section.dataset.release)}/pretranslate`, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
        body: JSON.stringify({languages, provider}),
      });
      data = await response.json().catch(() => ({}));
    } catch (err) {
      showRefusal("The service did not answer; check your connection and try again.");
      button.disabled = false;
      return;
    }
    if (response.status !== 202) {
      showRefusal(data.error || `The service refused (HTTP ${response.status}).`);
      button.disabled = false;
      return;
    }
    poll(data.job);
  });

  const last = JSON.parse(section.dataset.lastJob || "null");
  if (last) {
    show(last);
    if (RUNNING.includes(last.status)) { button.disabled = true; poll(last.id); }
  }
})();
