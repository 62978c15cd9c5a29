"""Fair deadlines: once a call is open its deadline moves later freely, earlier only with a
reason, the call's minimum notice and an e-mail to every coordinator who has started."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.applications.models import ApplicationStatus
from app.calls.models import Call, DeadlineChange
from app.calls.rules.lifecycle import CallStatus
from app.calls.services.calls import mark_submitted
from app.core.audit import AuditEvent
from app.core.database import utcnow
from app.core.extensions import db
from app.core.mail import OutboxMessage
from tests.conftest import csrf_token

ZONE = ZoneInfo("Europe/Rome")


def _local(value) -> str:
    return value.astimezone(ZONE).strftime("%Y-%m-%dT%H:%M")


def _edit_form(call: Call, **changes) -> dict:
    data = {
        "reference": call.reference, "kind": call.kind, "title": call.title,
        "summary": call.summary, "body": "", "strategic_areas": "", "currency": call.currency,
        "budget_amount": str(call.budget_amount),
        "max_per_proposal_amount": str(call.max_per_proposal_amount),
        "default_funding_rate": "100", "profit_funding_rate": "", "indirect_rate": "25",
        "timezone": "Europe/Rome", "opens_at": _local(call.opens_at),
        "closes_at": _local(call.closes_at), "required_attachments": "",
        "deadline_notice_days": str(call.deadline_notice_days), "version": call.version,
    }
    data.update(changes)
    return data


@pytest.fixture
def open_call(make_call, make_consortium):
    """An open call (closes in 30 days) with a draft, a submission and a withdrawn one."""
    call = make_call(timezone="Europe/Rome")
    drafts = make_consortium(call=call, acronym="DRAFTY")
    sent = make_consortium(call=call, acronym="SENT", status=ApplicationStatus.SUBMITTED)
    gone = make_consortium(call=call, acronym="GONE", status=ApplicationStatus.WITHDRAWN)
    mark_submitted(call, utcnow())
    db.session.commit()
    return call, drafts.coordinator, sent.coordinator, gone.coordinator


def _save(client, call, **changes):
    token = csrf_token(client, f"/calls/{call.reference}/edit")
    return client.post(f"/calls/{call.reference}/edit",
                       data={**_edit_form(call, **changes), "csrf_token": token})


def _officer(make_user, call):
    return make_user(Role.programme_officer, funder_id=call.funder_id)


def test_an_open_call_is_not_brought_forward_without_a_reason(
        client, open_call, make_user, sign_in):
    call, *_ = open_call
    old = call.closes_at
    sign_in(_officer(make_user, call))
    page = _save(client, call, closes_at=_local(utcnow() + timedelta(minutes=2)))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="deadline_change_reason-error"' in html
    assert "give the reason applicants will read" in html
    db.session.refresh(call)
    assert call.closes_at == old
    assert db.session.scalar(select(DeadlineChange)) is None
    assert db.session.scalar(select(OutboxMessage)) is None


def test_an_earlier_deadline_needs_the_calls_minimum_notice(
        client, open_call, make_user, sign_in):
    call, *_ = open_call
    sign_in(_officer(make_user, call))
    html = _save(client, call, closes_at=_local(utcnow() + timedelta(days=13)),
                 deadline_change_reason="The programme budget year ends earlier.",
                 ).get_data(as_text=True)
    assert 'id="closes_at-error"' in html and "at least 14 days of notice" in html
    assert 'The programme budget year ends earlier.' in html  # the reason typed is kept
    assert db.session.scalar(select(DeadlineChange)) is None


def test_a_fair_earlier_deadline_is_noticed_audited_and_mailed_to_coordinators(
        app, client, open_call, make_user, sign_in, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://calls.example.eu")
    call, draft_coordinator, sent_coordinator, withdrawn_coordinator = open_call
    old = call.closes_at
    officer = _officer(make_user, call)
    sign_in(officer)
    new_local = _local(utcnow() + timedelta(days=20))
    response = _save(client, call, closes_at=new_local,
                     deadline_change_reason="The programme budget year ends earlier.")
    assert response.status_code == 302
    change = db.session.scalar(select(DeadlineChange))
    assert change.is_earlier and change.coordinators_told == 2
    assert change.reason == "The programme budget year ends earlier."
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "call.deadline_changed"))
    assert event.actor_id == officer.id
    assert event.data["from"] == old.isoformat() and event.data["coordinators_told"] == 2
    mails = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.recipient)).all()
    assert sorted(m.recipient for m in mails) == sorted(
        [draft_coordinator.email, sent_coordinator.email])
    assert withdrawn_coordinator.email not in {m.recipient for m in mails}
    assert all(m.subject == f"Deadline brought forward: {call.reference}" for m in mails)
    assert all("The programme budget year ends earlier." in m.body for m in mails)
    # The link comes from configuration, never from the request's host.
    assert all(f"https://calls.example.eu/calls/{call.reference}\n" in m.body for m in mails)
    page = client.get(f"/calls/{call.reference}").get_data(as_text=True)
    assert 'id="deadline-notices"' in page and "brought forward" in page
    assert "Reason: The programme budget year ends earlier." in page


def test_a_later_deadline_needs_no_reason_and_is_still_announced(
        client, open_call, make_user, sign_in):
    call, *_ = open_call
    sign_in(_officer(make_user, call))
    response = _save(client, call, closes_at=_local(call.closes_at + timedelta(days=7)))
    assert response.status_code == 302
    change = db.session.scalar(select(DeadlineChange))
    assert not change.is_earlier and change.coordinators_told == 2
    page = client.get(f"/calls/{call.reference}").get_data(as_text=True)
    assert "the deadline was extended from" in page


def test_a_forthcoming_call_may_still_be_brought_forward_without_notice(
        client, make_call, make_user, sign_in):
    call = make_call(timezone="Europe/Rome", opens_in=timedelta(days=5))
    sign_in(_officer(make_user, call))
    response = _save(client, call, closes_at=_local(call.opens_at + timedelta(days=3)))
    assert response.status_code == 302
    assert db.session.scalar(select(DeadlineChange)).coordinators_told == 0


def test_a_draft_keeps_no_deadline_notices(client, make_call, make_user, sign_in):
    call = make_call(timezone="Europe/Rome", status=CallStatus.DRAFT)
    sign_in(_officer(make_user, call))
    assert _save(client, call, closes_at=_local(utcnow() + timedelta(days=2))).status_code == 302
    assert db.session.scalar(select(DeadlineChange)) is None


@pytest.mark.parametrize("changes, field, message", [
    ({"deadline_notice_days": "3"}, "deadline_notice_days",
     "its minimum notice for an earlier deadline cannot be lowered"),
    ({"opens_at": "SHIFTED"}, "opens_at", "its opening date can no longer change"),
])
def test_an_open_call_keeps_its_opening_and_its_notice(
        client, make_call, make_user, sign_in, changes, field, message):
    call = make_call(timezone="Europe/Rome")
    sign_in(_officer(make_user, call))
    if changes.get("opens_at") == "SHIFTED":
        changes = {"opens_at": _local(utcnow() + timedelta(days=1))}
    html = _save(client, call, **changes).get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html


def test_the_call_sets_its_own_minimum_notice(client, make_call, make_user, sign_in):
    call = make_call(timezone="Europe/Rome", deadline_notice_days=25)
    sign_in(_officer(make_user, call))
    html = _save(client, call, closes_at=_local(utcnow() + timedelta(days=20)),
                 deadline_change_reason="Budget year ends earlier.").get_data(as_text=True)
    assert "at least 25 days of notice" in html
