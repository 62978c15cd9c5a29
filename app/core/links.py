"""Absolute links for e-mails and documents, built from configuration, never from a request.

A request's Host header is chosen by whoever sends it: a link built from it could send an
invited firm to someone else's site. PUBLIC_BASE_URL says where OpenCall really lives.
"""

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    # config/settings.py sets it (default http://127.0.0.1:5000, the address `make run` serves).
    base = current_app.config.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    adapter = current_app.url_map.bind("configured.invalid",
                                       script_name=current_app.config.get("APPLICATION_ROOT"))
    return base + adapter.build(endpoint, values)
