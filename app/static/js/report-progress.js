// The report page: poll the job and move the bar (the CSP allows no inline script).
(function () {
  // Poll the job's status and move the bar; without JavaScript the page refreshes itself.
  var box = document.getElementById("report");
  var bar = document.getElementById("report-progress");
  var message = document.getElementById("report-message");
  function show(job) {
    bar.style.width = job.progress + "%";
    bar.textContent = job.progress + " %";
    bar.setAttribute("aria-valuenow", job.progress);
    message.textContent = job.status === "queued" ? "Waiting to start…" : (job.message || "Working…");
    if (job.status === "done") {
      bar.className = "progress-bar bg-success";
      message.textContent = "Ready: " + job.message + ".";
      if (job.has_result) { document.getElementById("report-ready").hidden = false; }
      return true;
    }
    if (job.status === "failed") {
      bar.className = "progress-bar bg-danger";
      document.getElementById("report-error").textContent = job.error || "unknown error";
      document.getElementById("report-failed").hidden = false;
      return true;
    }
    return false;
  }
  function poll() {
    fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (job) { if (!show(job)) { setTimeout(poll, 700); } })
      .catch(function () { setTimeout(function () { window.location.reload(); }, 3000); });
  }
  poll();
})();
