"""Ask to join: the request mail, the signed answer page, the invitation, the daily limit."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.applications.models import Application
from app.core.database import utcnow
from app.core.extensions import db
from app.core.mail import OutboxMessage
from app.directory.models import ContactRequest, ContactRequestStatus
from tests.conftest import csrf_token

LONE_FIRM = (("DE", "PRC", True, ["2.2"]),)
_LINK = re.compile(r"https?://[^/\s]+(/\S+)")


@pytest.fixture
def failing(make_call, make_consortium):
    return make_consortium(call=make_call(rules="ict_aggregation", reference="CADSES-T-01"),
                           members=LONE_FIRM, acronym="MOUNTNET",
                           title="Broadband for mountain villages")


@pytest.fixture
def candidate(make_listed):
    listed = make_listed("Graz Robotics Institute", country="AT", org_type="REC",
                         fields_of_science=["1.2"], with_contact=False)
    return listed


@pytest.fixture
def candidate_contact(candidate, make_user):
    user = make_user(Role.applicant, organisation=candidate.organisation,
                     email="private.person@graz.example", name="Greta Graz")
    return user


def ask(client, application_id, organisation_id, note="We need your robots."):
    url = f"/organisations/suggestions/{application_id}/ask/{organisation_id}"
    return client.post(url, data={"note": note, "csrf_token": csrf_token(client, url)})


def mails_to(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == address).order_by(OutboxMessage.id)))


def path_in(message: OutboxMessage, part: str) -> str:
    return next(path for path in _LINK.findall(message.body) if part in path)


def sign_out(client):
    client.post("/accounts/logout", data={"csrf_token": csrf_token(client, "/")})


def test_ask_to_join_then_yes_then_join(client, sign_in, failing, candidate,
                                        candidate_contact):
    application = failing.application
    sign_in(failing.coordinator)
    response = ask(client, application.id, candidate.organisation.id)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Your request is on its way to Graz Robotics Institute" in page
    assert "waiting for an answer" in page
    assert candidate_contact.email not in page

    [request_mail] = mails_to(candidate_contact.email)
    for expected in ("CADSES-T-01", "MOUNTNET", "We need your robots.", failing.coordinator.name):
        assert expected in request_mail.body
    answer_page = path_in(request_mail, "/organisations/requests/")
    assert client.get(answer_page).status_code == 404  # the coordinator may not answer it

    sign_out(client)
    sign_in(candidate_contact)
    page = client.get(answer_page).get_data(as_text=True)
    assert "Would Graz Robotics Institute join MOUNTNET?" in page
    response = client.post(answer_page, data={"accept": "y",
                                              "csrf_token": csrf_token(client, answer_page)})
    assert response.status_code == 302
    request = db.session.scalar(select(ContactRequest))
    assert request.status == ContactRequestStatus.ACCEPTED
    assert request.answered_by_id == candidate_contact.id
    invitation = mails_to(candidate_contact.email)[-1]
    assert "Join the consortium MOUNTNET" in invitation.subject
    [told] = [m for m in mails_to(failing.coordinator.email) if "said yes" in m.subject]
    assert candidate_contact.email not in told.body

    # Answering twice changes nothing; the browser is sent back to the page it came from.
    again = client.post(answer_page, data={"decline": "y",
                                           "csrf_token": csrf_token(client, answer_page)},
                        headers={"Referer": f"http://localhost{answer_page}"})
    assert "already been answered" in client.get(again.location).get_data(as_text=True)

    join = path_in(invitation, "/applications/invitations/")
    client.post(join, data={"csrf_token": csrf_token(client, join)})
    application = db.session.get(Application, application.id)
    assert application.eligibility_report["passed"] is True


def test_no_tells_the_coordinator_and_sends_no_invitation(client, sign_in, failing, candidate,
                                                         candidate_contact):
    sign_in(failing.coordinator)
    ask(client, failing.application.id, candidate.organisation.id)
    answer_page = path_in(mails_to(candidate_contact.email)[0], "/organisations/requests/")
    sign_out(client)
    sign_in(candidate_contact)
    client.post(answer_page, data={"decline": "y",
                                   "csrf_token": csrf_token(client, answer_page)})
    assert db.session.scalar(select(ContactRequest)).status == ContactRequestStatus.DECLINED
    assert len(mails_to(candidate_contact.email)) == 1
    assert any("declined" in m.subject for m in mails_to(failing.coordinator.email))
    assert len(failing.application.participants) == 1


def test_people_of_other_organisations_cannot_open_the_answer_page(
        client, sign_in, make_user, make_organisation, failing, candidate, candidate_contact):
    sign_in(failing.coordinator)
    ask(client, failing.application.id, candidate.organisation.id)
    answer_page = path_in(mails_to(candidate_contact.email)[0], "/organisations/requests/")
    sign_out(client)
    sign_in(make_user(Role.applicant, organisation=make_organisation()))
    assert client.get(answer_page).status_code == 404
    assert client.post(answer_page, data={"accept": "y", "csrf_token": csrf_token(
        client, "/")}).status_code == 404
    assert client.get("/organisations/requests/forged-token").status_code == 404
    assert db.session.scalar(select(ContactRequest)).status == ContactRequestStatus.PENDING


def test_a_colleague_of_the_recipient_may_answer(client, sign_in, make_user, failing,
                                                candidate, candidate_contact):
    sign_in(failing.coordinator)
    ask(client, failing.application.id, candidate.organisation.id)
    answer_page = path_in(mails_to(candidate_contact.email)[0], "/organisations/requests/")
    sign_out(client)
    sign_in(make_user(Role.applicant, organisation=candidate.organisation))
    assert client.get(answer_page).status_code == 200


def test_the_daily_limit_holds(app, client, sign_in, make_listed, failing, monkeypatch):
    monkeypatch.setitem(app.config, "CONTACT_REQUESTS_PER_DAY", 3)
    targets = [make_listed(f"Lab {n}", country="AT", org_type="REC").organisation
               for n in range(5)]
    sign_in(failing.coordinator)
    # A request from yesterday does not count against today's limit.
    old = ContactRequest(application_id=failing.application.id,
                         organisation_id=targets[4].id, recipient_id=failing.coordinator.id,
                         requested_by_id=failing.coordinator.id,
                         created_at=utcnow() - timedelta(hours=25))
    db.session.add(old)
    db.session.commit()
    for target in targets[:3]:
        assert ask(client, failing.application.id, target.id).status_code == 302
    refused = ask(client, failing.application.id, targets[3].id)
    assert refused.status_code == 200
    assert "You have sent 3 requests in the last 24 hours" in refused.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(ContactRequest)) == 4
    assert "You sent 3 of at most 3 requests" in client.get(
        f"/organisations/suggestions/{failing.application.id}").get_data(as_text=True)


def test_the_default_limit_is_twenty_a_day(app, client, sign_in, make_listed, failing,
                                           monkeypatch):
    monkeypatch.delitem(app.config, "CONTACT_REQUESTS_PER_DAY", raising=False)
    for n in range(20):
        target = make_listed(f"Default Lab {n}", country="AT", org_type="REC").organisation
        db.session.add(ContactRequest(
            application_id=failing.application.id, organisation_id=target.id,
            recipient_id=failing.coordinator.id, requested_by_id=failing.coordinator.id,
            created_at=utcnow() - timedelta(hours=n)))
    db.session.commit()
    sign_in(failing.coordinator)
    last = make_listed("One too many", country="AT", org_type="REC").organisation
    assert "You have sent 20 requests" in ask(client, failing.application.id,
                                              last.id).get_data(as_text=True)


@pytest.mark.parametrize("case, message", [
    ("twice", "You have already asked Graz Robotics Institute"),
    ("member", "is already in the consortium or invited"),
    ("nobody", "has nobody on OpenCall yet"),
])
def test_requests_that_are_refused(client, sign_in, failing, candidate, make_user, case,
                                   message):
    if case != "nobody":
        make_user(Role.applicant, organisation=candidate.organisation)
    target = failing.coordinator.organisation_id if case == "member" else \
        candidate.organisation.id
    sign_in(failing.coordinator)
    if case == "twice":
        ask(client, failing.application.id, target)
    response = ask(client, failing.application.id, target)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_the_profile_offers_the_coordinators_applications(client, sign_in, failing, candidate,
                                                         candidate_contact):
    sign_in(failing.coordinator)
    page = client.get(f"/organisations/{candidate.organisation.id}").get_data(as_text=True)
    assert f"/organisations/suggestions/{failing.application.id}/ask/" \
           f"{candidate.organisation.id}" in page
