// A table or list that scrolls inside its own box (on a phone) can be scrolled with the
// keyboard: it takes focus, and the arrow keys scroll it (WCAG 2.1.1).
const SCROLLS = new Set(["auto", "scroll"]);

function markScrollRegions() {
  document.querySelectorAll("main *").forEach((element) => {
    const style = getComputedStyle(element);
    const scrolls = (SCROLLS.has(style.overflowX) && element.scrollWidth > element.clientWidth)
      || (SCROLLS.has(style.overflowY) && element.scrollHeight > element.clientHeight);
    if (scrolls && !element.hasAttribute("tabindex")) element.tabIndex = 0;
  });
}
markScrollRegions();
window.addEventListener("resize", markScrollRegions);
