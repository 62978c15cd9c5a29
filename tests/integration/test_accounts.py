"""Registration, sign-in, throttling, sessions, password reset, staff accounts, invitations."""

import re

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User, UserSession
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.core.mail import OutboxMessage
from tests.conftest import csrf_token
from tests.factories.accounts import PASSWORD

REGISTRATION = {
    "name": "Carla Rossi", "email": "Carla@Example.org", "password": "a long passphrase",
    "confirm": "a long passphrase", "org_name": "Adriatic Web Srl", "country": "IT",
    "org_type": "PRC", "staff_headcount": "40", "annual_turnover_amount": "9000000",
    "sme_figures_year": "2024", "nace_code": "J62.01",
    "nace_revision": "2", "fields_of_science": ["1.2", "5.2"], "identifier": "IT01234567890",
}


def _register(client, **changes):
    data = {**REGISTRATION, **changes, "csrf_token": csrf_token(client, "/accounts/register")}
    return client.post("/accounts/register", data=data)


def test_registration_creates_applicant_and_organisation(client):
    response = _register(client)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "carla@example.org"))
    assert user.roles == {Role.applicant}
    assert user.organisation.country == "IT" and user.organisation.is_sme
    # Derived from the figures (Recommendation 2003/361/EC): 40 staff, EUR 9 m turnover.
    assert user.organisation.sme_size == "small"
    assert user.organisation.fields_of_science == ["1.2", "5.2"]
    assert user.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("changes, field_error", [
    ({"password": "short", "confirm": "short"}, "Field must be between 12 and 256"),
    ({"confirm": "something else!"}, "The passwords differ."),
    ({"country": ""}, "This field is required."),
    ({"nace_code": "Z99"}, "Start with a NACE section letter"),
    ({"email": "not-an-email"}, "Invalid email address."),
])
def test_registration_errors_appear_next_to_the_field_and_keep_input(client, changes,
                                                                      field_error):
    response = _register(client, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error in page
    assert 'aria-invalid="true"' in page
    assert 'value="Adriatic Web Srl"' in page  # nothing typed is lost
    assert db.session.scalar(select(User)) is None


def test_email_is_unique_case_insensitively(client, make_user):
    make_user(Role.applicant, email="carla@example.org")
    answer = _register(client, email="CARLA@EXAMPLE.ORG")
    # The same answer as a new registration (test_registration.py); no second account.
    assert answer.status_code == 302 and "already exists" not in answer.get_data(as_text=True)
    assert len(db.session.scalars(select(User).where(User.email == "carla@example.org")).all()) \
        == 1


def test_sign_in_and_out(client, make_user, sign_in):
    user = make_user(Role.admin)
    assert sign_in(user).status_code == 302
    assert client.get("/admin/users").status_code == 200
    client.post("/accounts/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/admin/users").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/",
                                    "/\\evil.example/", "/\t/evil.example/"])
def test_sign_in_goes_on_only_to_this_site(client, make_user, target):
    user = make_user(Role.applicant)
    response = client.post("/accounts/login", query_string={"next": target}, data={
        "email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


def test_sign_in_goes_on_to_the_page_asked_for(client, make_user):
    user = make_user(Role.applicant)
    response = client.post("/accounts/login", query_string={"next": "/applications/?page=2"},
                           data={"email": user.email, "password": PASSWORD,
                                 "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/applications/?page=2"


def test_logout_invalidates_the_old_cookie(app, client, make_user, sign_in):
    user = make_user(Role.admin)
    sign_in(user)
    old_cookie = client.get_cookie("session").value
    client.post("/accounts/logout", data={"csrf_token": csrf_token(client, "/")})
    replay = app.test_client()
    replay.set_cookie("session", old_cookie, domain="localhost")
    assert replay.get("/admin/users").status_code == 302
    assert db.session.scalar(select(UserSession)).revoked_at is not None


def test_sign_in_rotates_the_session(app, client, make_user, sign_in):
    user = make_user(Role.admin)
    sign_in(user)
    first = db.session.scalars(select(UserSession.token)).all()
    sign_in(user)
    tokens = db.session.scalars(select(UserSession.token)).all()
    assert len(tokens) == 2 and set(first) < set(tokens)


def test_login_is_throttled_per_account(app, client, make_user, sign_in):
    user = make_user(Role.applicant)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        page = sign_in(user, password="wrong password").get_data(as_text=True)
        assert "password is wrong" in page
    response = sign_in(user)  # even the right password waits now
    assert response.status_code == 200
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_login_is_throttled_per_address(app, client, make_user, sign_in, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_IP", 3)
    victims = [make_user(Role.applicant) for _ in range(3)]
    for victim in victims:
        sign_in(victim, password="wrong password")
    fresh = make_user(Role.applicant)
    assert "Too many failed sign-ins" in sign_in(fresh).get_data(as_text=True)


def test_unknown_user_gets_the_same_message(client, sign_in):
    ghost = User(email="ghost@example.org", name="Ghost")
    assert "password is wrong" in sign_in(ghost).get_data(as_text=True)


def _last_link(recipient: str) -> str:
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == recipient).order_by(OutboxMessage.id.desc())).first()
    return re.search(r"http://localhost(\S+)", message.body).group(1)


def test_password_reset_by_emailed_link_works_once(client, make_user, sign_in):
    user = make_user(Role.applicant)
    client.post("/accounts/reset", data={"email": user.email,
                                         "csrf_token": csrf_token(client, "/accounts/reset")})
    link = _last_link(user.email)
    new = "a brand new passphrase"
    response = client.post(link, data={"password": new, "confirm": new,
                                       "csrf_token": csrf_token(client, link)})
    assert response.status_code == 302
    assert sign_in(user, password=new).status_code == 302
    again = client.post(link, data={"password": new + "!", "confirm": new + "!",
                                     "csrf_token": csrf_token(client, "/accounts/reset")})
    assert again.status_code == 302 and "/accounts/reset" in again.location


def test_reset_request_for_unknown_address_sends_nothing(client):
    client.post("/accounts/reset", data={"email": "nobody@example.org",
                                         "csrf_token": csrf_token(client, "/accounts/reset")})
    assert db.session.scalar(select(OutboxMessage)) is None


def test_admin_creates_staff_user_who_sets_a_password(client, make_user, make_funder, sign_in):
    admin, funder = make_user(Role.admin), make_funder()
    sign_in(admin)
    response = client.post("/admin/users/new", data={
        "name": "Olga Officer", "email": "olga@funder.eu", "roles": ["programme_officer"],
        "funder_id": str(funder.id), "csrf_token": csrf_token(client, "/admin/users/new")})
    assert response.status_code == 302
    olga = db.session.scalar(select(User).where(User.email == "olga@funder.eu"))
    assert olga.roles == {Role.programme_officer} and olga.funder_id == funder.id
    assert "/accounts/reset/" in _last_link("olga@funder.eu")
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "account.staff_created" in actions


def test_officer_without_funder_is_refused_next_to_the_field(client, make_user, sign_in):
    sign_in(make_user(Role.admin))
    page = client.post("/admin/users/new", data={
        "name": "Olga", "email": "olga@funder.eu", "roles": ["finance_officer"], "funder_id": "",
        "csrf_token": csrf_token(client, "/admin/users/new")}).get_data(as_text=True)
    assert "Officers and organisers belong to an institution" in page


def test_an_admin_creates_an_event_organiser_for_an_institution(client, make_user, make_funder,
                                                                sign_in):
    funder = make_funder()
    sign_in(make_user(Role.admin))
    response = client.post("/admin/users/new", data={
        "name": "Ola", "email": "ola@chamber.eu", "roles": ["organiser"],
        "funder_id": str(funder.id), "csrf_token": csrf_token(client, "/admin/users/new")})
    assert response.status_code == 302
    ola = db.session.scalar(select(User).where(User.email == "ola@chamber.eu"))
    assert ola.roles == {Role.organiser} and ola.funder_id == funder.id


def test_invited_evaluator_accepts_and_gets_the_role(app, client, make_user, sign_in):
    officer = make_user(Role.programme_officer)
    sign_in(officer)
    client.post("/admin/evaluators/invite", data={
        "email": "Expert@Uni.eu", "funder_id": "",
        "csrf_token": csrf_token(client, "/admin/evaluators/invite")})
    link = _last_link("expert@uni.eu")
    visitor = app.test_client()
    response = visitor.post(link, data={"name": "Eve Expert", "password": PASSWORD,
                                        "confirm": PASSWORD,
                                        "csrf_token": csrf_token(visitor, link)})
    assert response.status_code == 302
    expert = db.session.scalar(select(User).where(User.email == "expert@uni.eu"))
    assert expert.roles == {Role.evaluator}
    second = visitor.get(link)
    assert second.status_code == 302  # an accepted invitation cannot be used again


def test_an_invitation_to_an_existing_account_still_asks_its_second_factor(
        app, client, make_user, sign_in):
    """The password and an emailed invitation are not enough to sign a staff member in."""
    finance = make_user(Role.finance_officer, email="fiona@funder.eu")  # enrolled
    officer = make_user(Role.programme_officer)
    sign_in(officer)
    client.post("/admin/evaluators/invite", data={
        "email": finance.email, "funder_id": "",
        "csrf_token": csrf_token(client, "/admin/evaluators/invite")})
    link = _last_link(finance.email)
    visitor = app.test_client()
    response = visitor.post(link, data={"name": finance.name, "password": PASSWORD,
                                        "confirm": PASSWORD,
                                        "csrf_token": csrf_token(visitor, link)})
    assert response.headers["Location"].endswith("/accounts/login/code")
    assert visitor.get("/grants/").headers["Location"].startswith("/accounts/login")


@pytest.mark.parametrize("url", ["/accounts/login", "/accounts/register", "/accounts/reset"])
def test_form_pages_render_no_empty_attributes(client, url):
    page = client.get(url).get_data(as_text=True)
    assert '="None"' not in page and "autofocus" not in page


def test_an_officer_invites_experts_only_for_their_own_funder(client, make_user, make_funder,
                                                              sign_in):
    own, other = make_funder(), make_funder()
    sign_in(make_user(Role.programme_officer, funder_id=own.id))
    page = client.post("/admin/evaluators/invite", data={
        "email": "expert@uni.eu", "funder_id": str(other.id),
        "csrf_token": csrf_token(client, "/admin/evaluators/invite")}).get_data(as_text=True)
    assert db.session.scalar(select(OutboxMessage)) is None
    assert "Not a valid choice" in page or "your own funder" in page
