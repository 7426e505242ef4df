// Release page: build the press kit of the published languages as a job, show its progress, then offer the zip.
"use strict";
(function () {
  const section = document.getElementById("presskit");
  if (!section) return;
  const form = section.querySelector("form.presskit-form");
  if (!form) return;  // nothing published yet
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const button = form.querySelector('button[type="submit"]');
  const box = section.querySelector(".kit-job");
  const bar = box.querySelector(".kit-bar");
  const text = box.querySelector(".kit-text");
  const error = box.querySelector(".kit-error");
  const download = box.querySelector(".kit-download");
  const release = section.dataset.release;
  const RUNNING = ["queued", "running"];
  const base = `/api/releases/${encodeURIComponent(release)}/presskit`;

  function plural(n, one, many) { return `${n} ${n === 1 ? one : many}`; }

  function show(job) {
    box.hidden = false;
    const total = job.total || 0;
    bar.max = Math.max(total, 1);
    bar.value = job.done || 0;
    bar.setAttribute("aria-valuetext", `${job.done} of ${plural(total, "language", "languages")}`);
    if (job.status === "queued") text.textContent = "Waiting to start…";
    else if (job.status === "running") text.textContent = `Building: ${job.done} of ${plural(total, "language", "languages")} done`;
    else if (job.status === "done") text.textContent = `Press kit ready: ${plural(total, "language", "languages")}.`;
    else text.textContent = `Press kit failed after ${job.done} of ${plural(total, "language", "languages")}.`;
    error.hidden = job.status !== "failed";
    error.textContent = job.status === "failed" ? job.error : "";
    download.hidden = !(job.status === "done" && job.download);
    if (job.download) download.querySelector("a").href = job.download;
  }

  function refuse(message) {
    box.hidden = false;
    bar.value = 0;
    text.textContent = "Press kit not started";
    error.hidden = false;
    error.textContent = message;
    download.hidden = true;
  }

  async function poll(id) {
    let response;
    try {
      response = await fetch(`${base}/${id}`, {credentials: "same-origin"});
    } catch (e) {
      setTimeout(() => poll(id), 2000);  // the service restarting: try again
      return;
    }
    const job = await response.json().catch(() => ({}));
    if (!response.ok) { refuse(job.error || `cannot read the job (HTTP ${response.status})`); button.disabled = false; return; }
    show(job);
    if (RUNNING.includes(job.status)) { setTimeout(() => poll(id), 500); return; }
    button.disabled = false;
  }

  form.addEventListener("submit", async e => {
    e.preventDefault();
    const languages = Array.from(form.querySelectorAll('input[name="languages"]:checked')).map(i => i.value);
    if (!languages.length) { refuse("Choose at least one language."); return; }
    button.disabled = true;
    show({status: "queued", total: languages.length, done: 0, error: ""});
    let response, data;
    try {
      response = await fetch(base, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
        body: JSON.stringify({languages}),
      });
      data = await response.json().catch(() => ({}));
    } catch (err) {
      refuse("The service did not answer; check your connection and try again.");
      button.disabled = false;
      return;
    }
    if (response.status !== 202) { refuse(data.error || `The service refused (HTTP ${response.status}).`); button.disabled = false; return; }
    poll(data.job);
  });

  const last = JSON.parse(section.dataset.lastKit || "null");
  if (last) {
    if (last.status === "done") last.download = `${base}/${last.id}/kit.zip`;
    show(last);
    if (RUNNING.includes(last.status)) { button.disabled = true; poll(last.id); }
  }
})();
