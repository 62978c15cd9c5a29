"""Step-up before sensitive actions (role changes here; payment batches and bank details use
the same decorator) and the admin-assisted reset of a lost second factor."""

import json
import re

import pytest
from sqlalchemy import select

from app.accounts.models import RecoveryCode, Role, SecondFactor, User, UserSession
from app.core.audit import AuditEvent
from app.core.extensions import db
from tests.conftest import csrf_token
from tests.factories.accounts import current_code

RESTORED = re.compile(r'<script type="application/json" id="restored-form">(.*?)</script>',
                      re.S)


def _age_second_factor(client, minutes: int) -> None:
    with client.session_transaction() as session:
        session["second_factor_at"] -= minutes * 60


def _roles_of(user_id: int) -> set[Role]:
    db.session.expire_all()
    return db.session.get(User, user_id).roles


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_role_change_asks_a_fresh_code_and_keeps_the_form(
        app, client, make_user, make_funder, sign_in):
    admin = make_user(Role.admin)
    colleague = make_user(Role.programme_officer, funder=make_funder())
    sign_in(admin)
    _age_second_factor(client, 16)  # the sign-in code is older than 15 minutes
    page = f"/admin/users/{colleague.id}"
    token = csrf_token(client, page)
    stopped = client.post(f"{page}/roles", headers={"Referer": f"http://localhost{page}"},
                          data={"roles": ["programme_officer", "finance_officer"],
                                "csrf_token": token})
    assert stopped.status_code == 302
    assert stopped.headers["Location"] == f"/accounts/step-up?next=/admin/users/{colleague.id}"
    assert _roles_of(colleague.id) == {Role.programme_officer}  # nothing done yet

    wrong = client.post(stopped.headers["Location"], data={"code": "12345x",
                                                            "csrf_token": token})
    assert 'id="code-error"' in wrong.get_data(as_text=True)
    back = client.post(stopped.headers["Location"], data={"code": current_code(admin.email),
                                                           "csrf_token": token})
    assert back.headers["Location"] == page
    shown = client.get(page).get_data(as_text=True)
    assert "submit it again" in shown
    assert json.loads(RESTORED.search(shown).group(1)) == [["roles", "programme_officer"],
                                                           ["roles", "finance_officer"]]
    assert "restore-form.js" in shown
    assert RESTORED.search(client.get(page).get_data(as_text=True)) is None  # only once

    saved = client.post(f"{page}/roles", data={"roles": ["programme_officer", "finance_officer"],
                                               "csrf_token": token})
    assert saved.headers["Location"] == page
    assert _roles_of(colleague.id) == {Role.programme_officer, Role.finance_officer}
    (event,) = _events("account.roles_changed")
    assert event.actor_id == admin.id and event.data["after"] == ["finance_officer",
                                                                  "programme_officer"]


def test_within_fifteen_minutes_no_code_is_asked_again(app, client, make_user, sign_in,
                                                       monkeypatch):
    admin = make_user(Role.admin)
    other = make_user(Role.applicant)
    sign_in(admin)
    _age_second_factor(client, 14)
    token = csrf_token(client, f"/admin/users/{other.id}")
    response = client.post(f"/admin/users/{other.id}/roles",
                           data={"roles": ["evaluator"], "csrf_token": token})
    assert response.headers["Location"] == f"/admin/users/{other.id}"
    assert _roles_of(other.id) == {Role.applicant, Role.evaluator}
    monkeypatch.setitem(app.config, "SECOND_FACTOR_STEP_UP_MINUTES", 10)
    again = client.post(f"/admin/users/{other.id}/roles", data={"roles": [],
                                                               "csrf_token": token})
    assert again.headers["Location"].startswith("/accounts/step-up")
    assert _roles_of(other.id) == {Role.applicant, Role.evaluator}


def test_an_admin_keeps_their_own_admin_role(client, make_user, sign_in):
    admin = make_user(Role.admin)
    sign_in(admin)
    page = f"/admin/users/{admin.id}"
    refused = client.post(f"{page}/roles", data={"roles": ["evaluator"],
                                                 "csrf_token": csrf_token(client, page)})
    assert refused.status_code == 422
    assert "cannot take away your own admin role" in refused.get_data(as_text=True)
    assert _roles_of(admin.id) == {Role.admin}


def test_an_admin_resets_a_lost_factor_with_a_reason_and_it_is_audited(
        app, client, make_user, sign_in):
    admin = make_user(Role.admin)
    finance = make_user(Role.finance_officer)
    db.session.add(RecoveryCode(user_id=finance.id, code_hash="x" * 64))
    db.session.commit()
    their_client = app.test_client()
    # The sign_in fixture drives `client`: the finance officer signs in on a client of their own.
    their_client.post("/accounts/login", data={"email": finance.email,
                                               "password": "correct horse battery",
                                               "csrf_token": csrf_token(their_client)})
    their_client.post("/accounts/login/code", data={"code": current_code(finance.email),
                                                    "csrf_token": csrf_token(their_client)})
    assert their_client.get("/grants/").status_code == 200

    sign_in(admin)
    page = f"/admin/users/{finance.id}"
    token = csrf_token(client, page)
    unconfirmed = client.post(f"{page}/second-factor/reset",
                              data={"reason": "called back", "csrf_token": token})
    assert unconfirmed.status_code == 422
    assert db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == finance.id))

    done = client.post(f"{page}/second-factor/reset", data={
        "reason": "Called back on the directory number", "confirm": "y", "csrf_token": token})
    assert done.headers["Location"] == page
    db.session.expire_all()
    assert db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == finance.id)) \
        is None
    assert db.session.scalar(select(RecoveryCode).where(RecoveryCode.user_id == finance.id)) \
        is None
    assert all(row.revoked_at for row in db.session.scalars(
        select(UserSession).where(UserSession.user_id == finance.id)))
    assert their_client.get("/grants/").status_code == 302  # signed out everywhere
    (event,) = _events("account.second_factor_reset")
    assert (event.actor_id, event.target_id) == (admin.id, str(finance.id))
    assert event.data == {"reason": "Called back on the directory number"}


def test_an_admin_cannot_reset_their_own_factor(client, make_user, sign_in):
    admin = make_user(Role.admin)
    sign_in(admin)
    page = f"/admin/users/{admin.id}"
    refused = client.post(f"{page}/second-factor/reset", data={
        "reason": "lost it", "confirm": "y", "csrf_token": csrf_token(client, page)})
    assert refused.status_code == 403
    assert db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == admin.id))


def test_step_up_without_a_factor_leads_to_enrolment(client, make_user, sign_in):
    sign_in(make_user(Role.applicant))
    response = client.get("/accounts/step-up?next=/applications/")
    assert response.headers["Location"].endswith("/accounts/two-factor")


# Browsers read a backslash as "/" and drop tabs: "/\\evil.example" opens evil.example.
@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example/x",
                                    "/\\evil.example/x", "/\t/evil.example/x"])
def test_step_up_goes_back_only_to_this_site(client, make_user, sign_in, target):
    admin = make_user(Role.admin)
    sign_in(admin)
    token = csrf_token(client, "/admin/users")
    response = client.post("/accounts/step-up", query_string={"next": target},
                           data={"code": current_code(admin.email), "csrf_token": token})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
