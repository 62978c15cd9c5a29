"""A small crawler for the bad-input tests: the pages a signed-in user reaches by links, and
the forms on them (fields, their values and choices), as a browser would see them."""

from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
from werkzeug.exceptions import HTTPException

# Not followed: signing out, files, the API and its documents, static files.
SKIPPED_PREFIXES = ("/accounts/logout", "/static/", "/api/", "/jobs/")
SKIPPED_SUFFIXES = (".pdf", ".csv", ".xlsx", ".json", ".xml", "/download", "/receipt")


@dataclass
class Form:
    page: str  # the URL of the page showing it (its CSRF token belongs to this session)
    action: str
    method: str
    endpoint: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values offered
    files: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return self.method, self.endpoint, tuple(sorted(self.fields))


@dataclass
class Site:
    pages: dict[str, str] = field(default_factory=dict)  # endpoint -> one URL showing it
    forms: dict[tuple, Form] = field(default_factory=dict)


def endpoint_of(app, path: str, method: str = "GET") -> str | None:
    try:
        endpoint, _ = app.url_map.bind("localhost").match(path, method=method)
    except HTTPException:
        return None
    return endpoint


def crawl(app, client, start: list[str], *, limit: int = 120) -> Site:
    """Breadth-first over same-site links; one URL per endpoint, every distinct form."""
    site, queue, seen = Site(), list(start), set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        endpoint = endpoint_of(app, path)
        if url in seen or endpoint is None or endpoint in site.pages:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        site.pages[endpoint] = url
        document = lxml.html.fromstring(response.get_data(as_text=True))
        for href in document.xpath("//a/@href"):
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc not in ("", "localhost") or parts.scheme not in ("", "http"):
                continue
            if parts.path.startswith(SKIPPED_PREFIXES) or parts.path.endswith(SKIPPED_SUFFIXES):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        for element in document.forms:
            form = _form(app, url, element)
            if form is not None:
                site.forms.setdefault(form.key, form)
    return site


def _form(app, page: str, element) -> Form | None:
    method = (element.method or "GET").upper()
    action = urlsplit(urljoin(page, element.action or page))
    if action.path.startswith(SKIPPED_PREFIXES):
        return None
    endpoint = endpoint_of(app, action.path, method)
    if endpoint is None:
        return None
    form = Form(page=page, action=action.path + (f"?{action.query}" if action.query else ""),
                method=method, endpoint=endpoint)
    for control in element.inputs:
        name = control.get("name")
        if not name:
            continue
        kind = (control.get("type") or "").lower()
        if kind == "file":
            form.files.append(name)
        elif control.tag == "select":
            form.fields[name] = [o for o in control.value_options if o] or [""]
        elif kind in ("checkbox", "radio"):
            form.fields.setdefault(name, []).append(control.get("value") or "y")
        elif kind not in ("submit", "button", "reset", "image"):
            form.fields[name] = [control.value or ""]
    return form
