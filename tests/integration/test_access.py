"""Every route declares who may use it, and the others are turned away."""

import pytest

from app.accounts.models import Role
from app.core.access import Access, is_static
from tests.conftest import csrf_token


def _routes(app):
    for rule in app.url_map.iter_rules():
        if is_static(rule.endpoint):
            continue
        yield rule


def test_every_route_declares_access(app):
    undeclared = [rule.endpoint for rule in _routes(app)
                  if not isinstance(getattr(app.view_functions[rule.endpoint], "access", None),
                                    Access)]
    assert undeclared == []


def test_an_undeclared_route_is_refused(app):
    # Fail closed: a route added without a declaration answers 403 to everyone.
    from app.factory import create_app

    fresh = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    fresh.add_url_rule("/undeclared-probe", "undeclared_probe", lambda: "secret")
    response = fresh.test_client().get("/undeclared-probe")
    assert response.status_code == 403
    assert b"secret" not in response.data


def _url(app, rule):
    """A URL for the rule with sample values: access is decided before any record is read."""
    from flask import url_for
    from werkzeug.routing import IntegerConverter

    values = {name: 1 if isinstance(converter, IntegerConverter) else "sample"
              for name, converter in rule._converters.items()}
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def _role_routes(app):
    for rule in _routes(app):
        access = app.view_functions[rule.endpoint].access
        if not access.public:
            yield rule, access


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    token = csrf_token(client)
    for rule, _ in _role_routes(app):
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(_url(app, rule), method=method, data={"csrf_token": token})
        assert response.status_code == 302, rule.endpoint
        assert "/accounts/login" in response.location, rule.endpoint


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_routes_for_other_roles(app, client, make_user, sign_in, role):
    user = make_user(role)
    sign_in(user)
    checked = 0
    for rule, access in _role_routes(app):
        if not access.roles or role in access.roles or "GET" not in rule.methods:
            continue
        response = client.get(_url(app, rule))
        assert response.status_code == 403, (role, rule.endpoint)
        checked += 1
    if role != Role.admin:
        assert checked > 0


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_its_own_pages(app, client, make_user, make_funder, sign_in, role):
    user = make_user(role, funder=make_funder())
    sign_in(user)
    for rule, access in _role_routes(app):
        if role in access.roles and "GET" in rule.methods and not rule.arguments:
            assert client.get(_url(app, rule)).status_code == 200, (role, rule.endpoint)


def test_forms_are_refused_without_csrf_token(app, client, make_user):
    user = make_user(Role.applicant)
    response = client.post("/accounts/login", data={"email": user.email,
                                                    "password": "correct horse battery"})
    assert response.status_code == 400
    assert b"CSRF token is missing" in response.data
    assert client.get("/admin/users").status_code == 302  # still signed out
