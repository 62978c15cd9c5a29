"""Absolute links for e-mails and documents, built from configuration, never from a request.

A request's Host header is chosen by whoever sends it: a link built from it could send an
invited firm to someone else's site. PUBLIC_BASE_URL says where OpenCall really lives.
"""

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    # config/settings.py sets it (default http://127.0.0.1:5000, the address `make run` serves).
    base = current_app.config.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    adapter = current_app.url_map.bind("configured.invalid",
                                       script_name=current_app.config.get("APPLICATION_ROOT"))
    return base + adapter.build(endpoint, values)


def same_site_path(target: str | None) -> str | None:
    """`target` as a path of this site (with its query), or None when it could lead elsewhere.

    Only "/path" forms pass: no scheme or host, no "//host", and no backslash or control
    character, which browsers read as "/" or drop ("/\\evil.example" opens evil.example)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
