// The application page (the CSP allows no inline script).
// Take the reader to the list of problems after a refused submit.
document.getElementById("submit-problems")?.focus();
// A double click sends one request only (the server would return the same submission anyway).
document.getElementById("submit-form")?.addEventListener("submit", function (event) {
  const button = event.target.querySelector("button[type=submit]");
  if (button.dataset.sent) { event.preventDefault(); } else { button.dataset.sent = "1"; }
});
