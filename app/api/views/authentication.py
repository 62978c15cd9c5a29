"""Who is calling the API: the owner of a bearer token, or (for reads) the signed-in user.

This hook runs before the app's access check (the API blueprint is registered first), so the
route's declared access (`public`, `signed_in`, `requires`) is decided for the token's owner
exactly as for a signed-in user on the pages. Writes need a read-write token: a session
cookie never writes through the API, so the API needs no CSRF token.
"""

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import AnonymousUserMixin, current_user

from app.api.models import TokenScope
from app.api.services.tokens import TokenRefused, authenticate
from app.api.views import bp
from app.api.views.problems import ApiProblem
from app.core.access import access_of
from app.core.extensions import csrf

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="OpenCall API"'}

csrf.exempt(bp)


def _refuse(status: int, title: str, detail: str):
    error = ApiProblem(status, title, detail)
    if status == 401:
        error.response.headers.update(CHALLENGE)
    raise error


@bp.before_app_request
def authenticate_api_request():
    if request.blueprint != bp.name:
        return
    g.api_token = None
    # Decide afresh for every request: nothing of an earlier caller may carry over (a `g`
    # shared with an outer app context, as in tests, would otherwise keep its user).
    g.pop("_login_user", None)
    if "\x00" in request.path or any("\x00" in value for value in request.args.values()):
        _refuse(400, "Bad request", "The address contains a NUL character.")
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            _refuse(401, "Bad credentials", "Send a personal access token as "
                                            "'Authorization: Bearer oc_...'.")
        try:
            token = authenticate(value.strip())
        except TokenRefused as refused:
            _refuse(401, "Bad credentials", str(refused))
        g._login_user = token.user  # the token's owner, whatever a cookie says
        g.api_token = token
        if request.method not in SAFE_METHODS and token.scope != TokenScope.READ_WRITE:
            _refuse(403, "Read-only token", "This token may only read; create a read-write "
                                            "token to change data.")
    elif request.method not in SAFE_METHODS:
        g._login_user = AnonymousUserMixin()  # a cookie alone never writes (no CSRF here)
    access = access_of(request.endpoint)
    if access is None or access.public:
        return
    if not current_user.is_authenticated:
        _refuse(401, "Authentication required", "This needs a personal access token.")
    if access.roles and not current_user.has_role(*access.roles):
        _refuse(403, "Not allowed", "Your account may not use this endpoint.")


def _rate_key() -> str:
    token = getattr(g, "api_token", None)
    return f"token:{token.id}" if token is not None else f"address:{get_remote_address()}"


# Counted per token (per address without one); in Redis when configured, so the limit holds
# across web processes.
limiter = Limiter(key_func=_rate_key, headers_enabled=True)
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_rate_key)(bp)
bp.record_once(lambda state: limiter.init_app(state.app))
