"""Route access as data: every view declares who may use it, and one hook enforces it."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user


@dataclass(frozen=True)
class Access:
    """Who may call a view: anyone, any signed-in user, or holders of one of the roles."""

    public: bool = False
    roles: frozenset[str] = frozenset()

    def describe(self) -> str:
        if self.public:
            return "public"
        return ", ".join(sorted(self.roles)) or "signed in"


def public(view: Callable) -> Callable:
    view.access = Access(public=True)
    return view


def signed_in(view: Callable) -> Callable:
    view.access = Access()
    return view


def requires(*roles: str) -> Callable[[Callable], Callable]:
    def declare(view: Callable) -> Callable:
        view.access = Access(roles=frozenset(roles))
        return view

    return declare


def access_of(endpoint: str | None) -> Access | None:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "access", None)


def is_static(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def enforce_route_access():
    """before_request hook: fail closed for a view that declares nothing."""
    endpoint = request.endpoint
    if endpoint is None or is_static(endpoint):
        return None
    access = access_of(endpoint)
    if access is None:
        current_app.logger.error("Route %s declares no access rule; refused", endpoint)
        abort(403)
    if access.public:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path))
    if access.roles and not current_user.has_role(*access.roles):
        abort(403)
    return None
