"""A token reaches what its owner's pages reach, never more; revoked, it is refused at once."""

import json

from sqlalchemy import select

from app.accounts.models import Role
from app.api.models import ApiToken
from app.core.extensions import db
from tests.conftest import csrf_token
from tests.integration.api.conftest import bearer

PROBLEM = "application/problem+json"


def test_no_token_no_private_data(app, client):
    response = client.get("/api/v1/applications")
    assert response.status_code == 401 and response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert json.loads(response.data)["title"] == "Authentication required"


def test_a_bad_or_unknown_token_is_refused(app, client):
    for header in ("Basic dXNlcjpwYXNz", "Bearer ", "Bearer oc_not-a-real-token"):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401 and response.mimetype == PROBLEM, header


def test_a_token_acts_as_its_owner(app, client, make_user, make_token):
    user = make_user(Role.finance_officer, name="Fiona Finance")
    body = json.loads(client.get("/api/v1/me", headers=bearer(make_token(user))).data)
    assert body["name"] == "Fiona Finance" and body["roles"] == ["finance_officer"]
    assert body["token_scope"] == "read"


def test_a_role_the_owner_lacks_is_refused(app, client, make_user, make_token):
    token = make_token(make_user(Role.applicant))
    for url in ("/api/v1/calls/X/applications", "/api/v1/calls/X/ranking"):
        response = client.get(url, headers=bearer(token))
        assert response.status_code == 403 and response.mimetype == PROBLEM, url


def test_an_applicant_reads_only_its_own_applications(app, client, make_consortium, make_user,
                                                      make_token):
    mine = make_consortium()
    other = make_consortium()
    token = make_token(mine.coordinator)
    listed = json.loads(client.get("/api/v1/applications", headers=bearer(token)).data)
    assert [a["id"] for a in listed["items"]] == [mine.application.id]
    assert client.get(f"/api/v1/applications/{mine.application.id}",
                      headers=bearer(token)).status_code == 200
    refused = client.get(f"/api/v1/applications/{other.application.id}", headers=bearer(token))
    assert refused.status_code == 404 and refused.mimetype == PROBLEM


def test_an_officer_of_another_funder_sees_nothing(app, client, make_grant, make_user,
                                                   make_funder, make_token):
    case = make_grant()
    stranger = make_token(make_user(Role.finance_officer, funder=make_funder()))
    own = make_token(case.finance)
    grants = json.loads(client.get("/api/v1/grants", headers=bearer(stranger)).data)
    assert grants["items"] == []
    assert client.get(f"/api/v1/grants/{case.grant.id}",
                      headers=bearer(stranger)).status_code == 404
    detail = json.loads(client.get(f"/api/v1/grants/{case.grant.id}", headers=bearer(own)).data)
    assert detail["agreement_number"] == case.grant.agreement_number
    reference = case.grant.call.reference
    assert client.get(f"/api/v1/calls/{reference}/ranking",
                      headers=bearer(make_token(make_user(Role.programme_officer,
                                                          funder=make_funder())))
                      ).status_code == 404


def test_a_revoked_token_is_refused_at_once(app, client, make_user, sign_in):
    user = make_user(Role.applicant)
    sign_in(user)
    page = client.post("/account/tokens/", data={
        "csrf_token": csrf_token(client, "/account/tokens/"), "name": "script",
        "scope": "read", "expires_in_days": "30"})
    assert page.status_code == 201 and page.headers["Cache-Control"] == "no-store"
    plain = page.get_data(as_text=True).split('value="')[-1].split('"')[0]
    assert plain.startswith("oc_")
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert plain not in (stored.token_hash, stored.prefix)  # only its fingerprint is kept
    assert client.get("/api/v1/me", headers=bearer(plain)).status_code == 200
    revoke_url = f"/account/tokens/{stored.id}/revoke"
    assert b"cannot be undone" in client.get(revoke_url).data  # confirmation first
    client.post(revoke_url, data={"csrf_token": csrf_token(client, revoke_url)})
    response = client.get("/api/v1/me", headers=bearer(plain))
    assert response.status_code == 401 and response.mimetype == PROBLEM


def test_nobody_revokes_someone_elses_token(app, client, make_user, make_token, sign_in):
    owner = make_user(Role.applicant)
    make_token(owner)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == owner.id))
    sign_in(make_user(Role.applicant))
    url = f"/account/tokens/{token.id}/revoke"
    assert client.post(url, data={"csrf_token": csrf_token(client, "/account/tokens/")}
                       ).status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_a_read_token_cannot_write_and_a_cookie_never_writes(app, client, make_consortium,
                                                             make_token, sign_in):
    consortium = make_consortium()
    url = f"/api/v1/applications/{consortium.application.id}"
    change = {"version": consortium.application.version, "title": "New title"}
    read_only = client.patch(url, json=change, headers=bearer(make_token(consortium.coordinator)))
    assert read_only.status_code == 403 and read_only.mimetype == PROBLEM
    sign_in(consortium.coordinator)
    by_cookie = client.patch(url, json=change)
    assert by_cookie.status_code == 401
    db.session.refresh(consortium.application)
    assert consortium.application.title != "New title"


def test_a_read_write_token_updates_through_the_same_rules(app, client, make_consortium,
                                                           make_token):
    consortium = make_consortium()
    application = consortium.application
    token = make_token(consortium.coordinator, scope="read_write")
    url = f"/api/v1/applications/{application.id}"
    read = application.version
    saved = client.patch(url, json={"version": read, "title": "Better title"},
                         headers=bearer(token))
    assert saved.status_code == 200, saved.data
    body = json.loads(saved.data)
    assert body["title"] == "Better title" and body["version"] == read + 1
    stale = client.patch(url, json={"version": read, "title": "Late"},
                         headers=bearer(token))
    assert stale.status_code == 409 and stale.mimetype == PROBLEM
    invalid = client.patch(url, json={"version": body["version"], "duration_months": 500},
                           headers=bearer(token))
    assert invalid.status_code == 422
    assert json.loads(invalid.data)["errors"][0]["field"] == "duration_months"
    partner = make_token(consortium.partners[0], scope="read_write")
    assert client.patch(url, json={"version": body["version"], "title": "Mine now"},
                        headers=bearer(partner)).status_code == 403  # coordinator only
