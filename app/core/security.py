"""HTTP hardening in one place: proxies, trusted hosts, security headers, idle sessions.

OWASP ASVS 5.0 chapters 3 (web frontend) and 7 (session management); docs/security.md maps
each requirement to its test.
"""

from datetime import UTC, datetime

from flask import Flask, Response, current_app, request, session
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script anywhere (pages load their scripts from /static), no framing, no plugins.
# Inline style attributes stay allowed: templates use them for widths of progress bars.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def init_security(app: Flask) -> None:
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        # Believe exactly as many forwarded entries as there are proxies: the client address
        # used for throttling is then the one the outermost proxy saw, not one a client typed.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=proxies, x_port=proxies)
    app.before_request(end_idle_session)
    app.after_request(add_security_headers)
    # A Host outside TRUSTED_HOSTS leaves the request without URLs to build: answer in plain
    # text rather than with the page frame (whose links would fail).
    app.register_error_handler(SecurityError, refuse_untrusted_host)


def refuse_untrusted_host(error: SecurityError):
    return Response("400 Bad Request: this host is not served here.\n", status=400,
                    mimetype="text/plain")


def end_idle_session():
    """A session unused for SESSION_IDLE_MINUTES is forgotten (ASVS 7.3.1). The server-side
    row bounds the whole lifetime (accounts.services.users.user_for_session)."""
    if "sid" not in session:
        return None
    now = datetime.now(UTC).timestamp()
    seen = session.get("seen")
    idle_limit = current_app.config["SESSION_IDLE_MINUTES"] * 60
    if not isinstance(seen, (int, float)) or now - seen > idle_limit:
        session.clear()
        return None
    # Written at most once a minute, so that most answers do not resend the cookie.
    if now - seen > 60:
        session["seen"] = now
    return None


def add_security_headers(response: Response) -> Response:
    if "sid" in session and "seen" not in session:
        session["seen"] = datetime.now(UTC).timestamp()  # the sign-in starts the idle clock
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")  # for browsers without frame-ancestors
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    hsts = current_app.config.get("HSTS_SECONDS", 0)
    if hsts:
        headers.setdefault("Strict-Transport-Security", f"max-age={hsts}; includeSubDomains")
    if _is_private(response):
        # Signed-in pages and downloads stay out of shared and browser caches (ASVS 14.3.2).
        headers["Cache-Control"] = "no-store"
    if response.headers.get("Content-Disposition", "").startswith("attachment"):
        headers["Cache-Control"] = "no-store"
    return response


def _is_private(response: Response) -> bool:
    if request.endpoint and (request.endpoint == "static" or request.endpoint.endswith(".static")):
        return False
    return "sid" in session or "Authorization" in request.headers
