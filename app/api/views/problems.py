"""Every API error as RFC 9457 `application/problem+json`, never an HTML page or a 500."""

from flask import Response, current_app, json, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as NotFoundHere

from app.api.rules.cursors import CursorError
from app.api.views import bp
from app.core.access import public
from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.core.extensions import db

PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return Response(json.dumps(body), status=status, mimetype=PROBLEM)


class ApiProblem(Exception):
    """Raised by the API's own checks (authentication, scope, validation)."""

    def __init__(self, status: int, title: str, detail: str, **extra):
        super().__init__(detail)
        self.response = problem(status, title, detail, **extra)


@bp.errorhandler(ApiProblem)
def _api_problem(error: ApiProblem):
    db.session.rollback()
    return error.response


def _http_problem(error: HTTPException):
    db.session.rollback()
    response = problem(error.code or 500, error.name, error.description or error.name)
    if error.code == 429:
        response.headers.update(getattr(error, "headers", None) or {})
    if error.code == 405 and (allowed := getattr(error, "valid_methods", None)):
        response.headers["Allow"] = ", ".join(allowed)
    return response


# By status code: Flask looks for a code's handler (the app's error pages) before any
# handler by class, so the API names each code it may answer with.
bp.register_error_handler(HTTPException, _http_problem)
for _code in (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500):
    bp.register_error_handler(_code, _http_problem)


@bp.errorhandler(CursorError)
def _cursor_problem(error: CursorError):
    return problem(400, "Bad cursor", str(error))


@bp.errorhandler(DomainError)
def _domain_problem(error: DomainError):
    """The same answers the pages give (core.errors): 404, 403, 409, else 422."""
    db.session.rollback()
    if isinstance(error, NotFound):
        return problem(404, "Not found", error.message)
    if isinstance(error, Forbidden):
        return problem(403, "Not allowed", error.message)
    if isinstance(error, Conflict):
        return problem(409, "Not possible now", error.message)
    extra = {"errors": [{"field": error.field, "message": error.message}]} if error.field else {}
    return problem(422, "Not possible", error.message, **extra)


def validation_problem(req, resp, req_validation_error, instance, model_adapter=None):
    """spectree's hook: a request that breaks the documented schema gets a 422 problem."""
    if req_validation_error is None:
        return
    errors = [{"field": ".".join(str(part) for part in error.get("loc", ())),
               "message": error.get("msg", "")}
              for error in req_validation_error.errors(include_url=False, include_input=False)]
    raise ApiProblem(422, "Invalid request", "The request does not match the API's schema.",
                     errors=errors)


ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@bp.route("/<path:unknown>", methods=ANY_METHOD)
@public
def not_an_endpoint(unknown: str):
    """Any other address under /api/v1 answers as the API does (a problem), not with a page:
    404 when nothing is there, 405 when the address exists for other methods."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ANY_METHOD:
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != request.endpoint:
            allowed.append(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise NotFoundHere()
