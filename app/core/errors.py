"""Domain errors raised by services, and the one mapping from them to HTTP answers.

NotFound is 404 (also for a record that is not the user's: others may not learn it exists),
Forbidden 403 (a role or capability the user lacks on a record they may know), Conflict 409
and any other refusal 422. A refused POST from one of our pages goes back to that page with
the message instead. Form pages show refusals next to their fields (core.forms).
A database or job queue that is away answers 503 and a value the database refuses 400; pages
for 5xx answers are rendered without the database (errors/standalone.html).
"""

from contextlib import suppress
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request, session
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, InterfaceError, OperationalError, PendingRollbackError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from app.core.extensions import db
from app.core.i18n import SESSION_KEY, is_shipped, shipped_languages


class DomainError(Exception):
    """A rule of the domain refused the request; `field` names the form field it concerns."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The record does not exist or the user may not know it exists (both give 404)."""


class Forbidden(DomainError):
    """The user may know the record but not do this to it."""


class Conflict(DomainError):
    """Someone else changed the record meanwhile, or it is in the wrong state."""


def _wants_json() -> bool:
    return request.path.startswith("/jobs/") or request.accept_mimetypes.best == "application/json"


def _page_posted_from() -> str | None:
    """The page of ours a browser POST came from (its Referer), if a GET can show it again.

    None for GETs, JSON clients, other sites, and pages that exist only as a POST's answer
    (a form shown again at its action URL): those get the status page instead.
    """
    if request.method != "POST" or _wants_json() or not request.referrer:
        return None
    referrer = urlsplit(request.referrer)
    if referrer.netloc != request.host or referrer.scheme not in ("http", "https"):
        return None
    root = request.script_root
    if root and not referrer.path.startswith(root + "/"):
        return None
    try:
        current_app.url_map.bind(request.host, script_name=root or None).match(
            referrer.path.removeprefix(root), method="GET")
    except HTTPException:
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


# Seconds a client is asked to wait when the database or the queue is away.
RETRY_AFTER = 10


def _language_without_database() -> str:
    """The page's language read without the signed-in user's account (which needs the
    database): the visitor's choice kept in the session, else the browser's language."""
    code = session.get(SESSION_KEY)
    if not is_shipped(code):
        code = request.accept_languages.best_match(shipped_languages())
    return code or current_app.config.get("BABEL_DEFAULT_LOCALE") or "en"


def _standalone_page(code: int, title: str, message: str, retry_after: int | None = None) -> str:
    """The error page rendered without context processors: the page frame's signed-in user
    and menu need the database, and this page must show when the database is down."""
    return current_app.jinja_env.get_template("errors/standalone.html").render(
        code=code, title=title, message=message, retry_after=retry_after,
        page_language=_language_without_database().split("_")[0])


def register_error_pages(app: Flask) -> None:
    def page(code: int, title: str, message: str):
        if _wants_json():
            return jsonify(error=title), code
        if code >= 500:
            return _standalone_page(code, title, message), code
        return render_template("errors/error.html", code=code, title=title, message=message), code

    def server_error(error: Exception):
        """500: translated without reading the user's account (the database may be the fault)."""
        with force_locale(_language_without_database()):
            return page(500, _("Something went wrong"), _("The error was logged; please retry."))

    def unavailable(message: str):
        """503: the database or the job queue is away; the client may simply try again."""
        with suppress(Exception):  # the connection is gone; the request's teardown drops it
            db.session.rollback()
        headers = {"Retry-After": str(RETRY_AFTER)}
        with force_locale(_language_without_database()):
            title = _("Service unavailable")
            if _wants_json():
                return jsonify(error=title, message=message), 503, headers
            return _standalone_page(503, title, message, RETRY_AFTER), 503, headers

    def database_unavailable(error: Exception):
        app.logger.warning("Database unavailable: %s", error)
        with force_locale(_language_without_database()):
            return unavailable(_("OpenCall cannot reach its database just now. Please try "
                                 "again in a minute."))

    def bad_value(error: Exception):
        """A value the database refuses (out of range, not storable): the input was bad."""
        app.logger.warning("Refused a value: %s", error)
        with suppress(Exception):
            db.session.rollback()
        return page(400, _("Bad request"), _("A value you sent is out of range or not allowed."))

    app.register_error_handler(503, lambda e: unavailable(e.description))
    # Connections refused or cut, the pool exhausted, a session left broken by one of those.
    for error in (OperationalError, InterfaceError, PoolTimeout, PendingRollbackError):
        app.register_error_handler(error, database_unavailable)
    for error in (DataError, OverflowError):
        app.register_error_handler(error, bad_value)

    app.register_error_handler(400, lambda e: page(400, _("Bad request"), e.description))
    app.register_error_handler(
        403, lambda e: page(403, _("Not allowed"), _("Your account may not open this page.")))
    app.register_error_handler(
        404, lambda e: page(404, _("Not found"),
                            _("There is nothing here, or you may not see it.")))
    app.register_error_handler(
        413, lambda e: page(413, _("File too large"), _("The file is larger than we accept.")))
    app.register_error_handler(
        429, lambda e: page(429, _("Too many requests"), _(
            "Too many requests of this kind came from your address or for this e-mail "
            "address. Please try again in an hour.")))
    app.register_error_handler(500, server_error)

    def refused(error: DomainError):
        """The one answer to a service's refusal that no view showed on its form."""
        db.session.rollback()  # nothing of a refused request may be committed later
        if isinstance(error, NotFound):
            return page(404, _("Not found"), error.message)
        if isinstance(error, Forbidden):
            return page(403, _("Not allowed"), error.message)
        back = _page_posted_from()
        if back is not None:  # a button on a page: the message goes back to that page
            flash(error.message, "danger")
            return redirect(back)
        if isinstance(error, Conflict):
            return page(409, _("Not possible now"), error.message)
        return page(422, _("Not possible"), error.message)

    app.register_error_handler(DomainError, refused)
