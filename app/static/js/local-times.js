// Deadlines are written in the call's zone by the server; this adds the visitor's own time
// beside them (the server cannot know the visitor's zone). Without JavaScript nothing is lost.
document.querySelectorAll("[data-local-time]").forEach((element) => {
  const moment = new Date(element.dataset.localTime);
  if (Number.isNaN(moment.getTime())) return;
  const written = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: "medium", timeStyle: "short", timeZoneName: "short",
  }).format(moment);
  element.textContent = `${element.dataset.label} ${written}`;
});
