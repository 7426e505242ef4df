// Release page: live pre-translation progress (the language pickers are in picker.js).
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  const section = document.getElementById("pretranslate");
  if (!section) return;
  const form = section.querySelector("form");
  const jobBox = section.querySelector(".job");
  const bar = jobBox.querySelector("progress");
  const text = jobBox.querySelector(".job-text");

  function show(job) {
    jobBox.hidden = false;
    const pct = job.total ? Math.round(100 * (job.done + job.failed) / job.total) : 0;
    bar.value = pct;
    let line = `${job.status}: ${job.done} of ${job.total} done`;
    if (job.failed) line += `, ${job.failed} failed`;
    if (job.eta_seconds) line += `, about ${Math.ceil(job.eta_seconds)} s left`;
    if (job.error) line += ` — ${job.error}`;
    text.textContent = line;
  }

  async function poll(id) {
    const response = await fetch(`/api/jobs/${id}`, {credentials: "same-origin"});
    if (!response.ok) { text.textContent = `cannot read job ${id}`; return; }
    const job = await response.json();
    show(job);
    if (job.status === "queued" || job.status === "running") setTimeout(() => poll(id), 700);
    else if (job.status === "done") text.textContent += " — reload the page to see the new counts";
  }

  form.addEventListener("submit", async e => {
    e.preventDefault();
    const languages = Array.from(form.querySelectorAll('input[name="languages"]:checked')).map(i => i.value);
    const provider = form.querySelector('select[name="provider"]').value;
    const response = await fetch(`/api/releases/${encodeURIComponent(section.dataset.release)}/pretranslate`, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify({languages, provider}),
    });
    const data = await response.json();
    jobBox.hidden = false;
    if (response.status !== 202) { text.textContent = data.error || `error ${response.status}`; return; }
    poll(data.job);
  });
})();
