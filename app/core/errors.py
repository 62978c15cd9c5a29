"""Domain errors raised by services, and the error pages."""

from flask import Flask, jsonify, render_template, request


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


def register_error_pages(app: Flask) -> None:
    def page(code: int, title: str, message: str):
        if _wants_json():
            return jsonify(error=title), code
        return render_template("errors/error.html", code=code, title=title, message=message), code

    app.register_error_handler(400, lambda e: page(400, "Bad request", e.description))
    app.register_error_handler(
        403, lambda e: page(403, "Not allowed", "Your account may not open this page."))
    app.register_error_handler(
        404, lambda e: page(404, "Not found", "There is nothing here, or you may not see it."))
    app.register_error_handler(
        413, lambda e: page(413, "File too large", "The file is larger than we accept."))
    app.register_error_handler(
        500, lambda e: page(500, "Something went wrong", "The error was logged; please retry."))
    app.register_error_handler(NotFound, lambda e: page(404, "Not found", e.message))
    app.register_error_handler(Forbidden, lambda e: page(403, "Not allowed", e.message))
