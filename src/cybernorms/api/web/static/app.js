// cybernorms dashboard: light progressive enhancement. Every page works without this file;
// it only saves clicks (filters apply on change, rows can be narrowed, progress is polled)
// and lets the publish page talk to POST /v1/acts. Data is written with textContent only.
"use strict";

function onFilters() {
  const form = document.getElementById("filters");
  if (!form) return;
  form.querySelectorAll("select, input").forEach((el) =>
    el.addEventListener("change", () => form.requestSubmit()));
}

function onMatrix() {
  document.querySelectorAll("#only-differing").forEach((box) => {
    box.addEventListener("change", () => {
      const table = box.closest("section, main").querySelector("table.matrix");
      table.classList.toggle("only-differing", box.checked);
    });
  });
}

function onTrace() {
  document.querySelectorAll("[data-toggle-all]").forEach((button) => {
    button.addEventListener("click", () => {
      const tree = button.closest("article").querySelector(".trace");
      const opening = button.textContent === "open all";
      tree.querySelectorAll("details").forEach((d) => { d.open = opening; });
      button.textContent = opening ? "close all" : "open all";
    });
  });
}

function onJob() {
  const job = document.getElementById("job");
  if (!job || !job.dataset.progress) return;
  const bar = document.getElementById("job-progress");
  const count = document.getElementById("job-count");
  const poll = async () => {
    const answer = await fetch(job.dataset.progress, { cache: "no-store" });
    const p = await answer.json();
    if (p.total) { bar.max = p.total; }
    bar.value = p.done;
    count.textContent = `${p.done} of ${p.total || "?"} incidents evaluated`;
    if (p.state === "done" || p.state === "refused" || p.state === "unknown") {
      window.location.reload();
    } else {
      window.setTimeout(poll, 400);
    }
  };
  window.setTimeout(poll, 200);
}

function line(parent, label, text, cls) {
  const p = document.createElement("p");
  if (cls) p.className = cls;
  const b = document.createElement("strong");
  b.textContent = label;
  p.append(b, " ", text);
  parent.append(p);
  return p;
}

function onPublish() {
  const form = document.getElementById("publish-form");
  if (!form) return;
  const out = document.getElementById("publish-result");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    out.replaceChildren();
    const publisher = form.elements.publisher.value.trim();
    const url = form.dataset.endpoint + (publisher ? `?publisher=${encodeURIComponent(publisher)}` : "");
    let answer;
    try {
      answer = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: form.elements.envelope.value,
      });
    } catch (err) {
      line(out, "Not sent:", String(err), "problem");
      return;
    }
    const body = await answer.json().catch(() => ({}));
    if (answer.ok) {
      out.className = "accepted";
      line(out, "Accepted:", `${body.kind} ${body.label} at log index ${body.index}`);
      line(out, "Checkpoint:", `size ${body.checkpoint && body.checkpoint.size}`);
    } else {
      out.className = "refused";
      const p = line(out, `Refused (${answer.status}):`, body.reason || "unknown reason", "problem");
      p.id = "publish-reason";
      line(out, "Detail:", body.detail || "", "muted");
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  onFilters(); onMatrix(); onTrace(); onJob(); onPublish();
});
