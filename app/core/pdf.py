"""HTML to PDF with WeasyPrint: the only module that imports it.

The URL fetcher serves only the app's own static files, so a document can never make
WeasyPrint fetch from the network or read arbitrary files.
"""

import mimetypes
from pathlib import Path

from flask import current_app, render_template
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
    return html_to_pdf(render_template(template, **context))
