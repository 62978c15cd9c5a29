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
    // The words come from the page, in its language (data-* attributes of #report).
    message.textContent = job.status === "queued" ? box.dataset.waiting
      : (job.message || box.dataset.working);
    if (job.status === "done") {
      bar.className = "progress-bar bg-success";
      message.textContent = box.dataset.ready.replace("%(message)s", job.message);
      if (job.has_result) { document.getElementById("report-ready").hidden = false; }
      return true;
    }
    if (job.status === "failed") {
      bar.className = "progress-bar bg-danger";
      document.getElementById("report-error").textContent = job.error || box.dataset.unknownError;
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
