"""Accessibility and small screens, checked on every page a browser test visits: axe-core
(WCAG 2.1 A and AA rules) finds no violation, and the page is no wider than a 390 px phone.

Each kind of page is checked once per test run (ids in its path do not make it new), so a
journey that comes back to a list costs nothing more."""

import re
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

PHONE = {"width": 390, "height": 844}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
_axe = Axe()
_checked: set[str] = set()


def kind_of_page(url: str) -> str:
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(sorted(
        key.split("=")[0] for key in parts.query.split("&"))) if parts.query else "")


def check_pages(context, urls: list[str]) -> list[str]:
    fresh = [url for url in dict.fromkeys(urls)
             if url.startswith("http") and kind_of_page(url) not in _checked]
    if not fresh:
        return []
    problems: list[str] = []
    phone = context.new_page()
    phone.set_viewport_size(PHONE)
    try:
        for url in fresh:
            _checked.add(kind_of_page(url))
            try:
                response = phone.goto(url)
            except PlaywrightError as error:
                if "Download is starting" in str(error):
                    continue  # a file, not a page
                raise
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            problems += [f"{url}: {problem}" for problem in page_problems(phone)]
    finally:
        phone.close()
    return problems


def page_problems(page) -> list[str]:
    found = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        found.append(f"{width} px wide at {PHONE['width']} px (scrolls sideways)")
    for violation in _axe.run(page, options=AXE_OPTIONS).response["violations"]:
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        found.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']} "
                     f"— {targets}")
    return found
