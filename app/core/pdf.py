"""HTML to PDF with WeasyPrint: the only module that imports it.

The URL fetcher serves only the app's own static files, so a document can never make
WeasyPrint fetch from the network or read arbitrary files.
"""

import mimetypes
import re
from pathlib import Path

from flask import current_app, render_template
from flask_babel import gettext
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

PREFIX = "static:"


class ForbiddenResource(ValueError):
    pass


class StaticFilesFetcher(URLFetcher):
    """Serves `static:<path>` from the app's static folder and refuses everything else."""

    def __init__(self, static_folder: str):
        super().__init__(allowed_protocols=("static",))
        self.static = Path(static_folder).resolve()

    def fetch(self, url, headers=None):
        if not url.startswith(PREFIX):
            raise ForbiddenResource(f"PDF resources must come from static files, not {url!r}")
        path = (self.static / url[len(PREFIX):].lstrip("/")).resolve()
        if self.static not in path.parents or not path.is_file():
            raise ForbiddenResource(f"No static file {url!r}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


def html_to_pdf(html: str) -> bytes:
    """Render a complete HTML document; resources are referenced as static:css/pdf.css."""
    fetcher = StaticFilesFetcher(current_app.static_folder)
    return HTML(string=html, base_url=PREFIX + "/", url_fetcher=fetcher).write_pdf()


def render_pdf(template: str, **context) -> bytes:
    """Render a Jinja template (extending pdf/base.html) to PDF bytes."""
    return html_to_pdf(render_template(template, page_numbers=page_numbers_css(), **context))


def page_numbers_css() -> Markup:
    """The footer's "Page 3 of 7" as a CSS `content` value in the current language: the
    translated sentence with WeasyPrint's page counters where its placeholders stand, so a
    language may put the numbers in any order."""
    page, pages = "\x00page\x00", "\x00pages\x00"
    sentence = gettext("Page %(page)s of %(pages)s", page=page, pages=pages)
    counters = {page: "counter(page)", pages: "counter(pages)"}
    parts = []
    for part in re.split(f"({re.escape(page)}|{re.escape(pages)})", sentence):
        if part in counters:
            parts.append(counters[part])
        elif part:
            parts.append('"' + _css_string(part) + '"')
    return Markup(" ".join(parts))


def _css_string(text: str) -> str:
    """Text safe inside a double-quoted CSS string within a <style> element."""
    return "".join(f"\\{ord(char):x} " if char in '\\"<>\n' else char for char in text)
