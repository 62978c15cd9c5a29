"""Organising events: creating one linked to a call, sessions and slots, publishing, invitation
letters from the directory with links from configuration, and the public list."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.core.database import utcnow
from app.core.errors import DomainError
from app.core.extensions import db
from app.core.mail import OutboxMessage
from app.events.models import Event, EventInvitation, EventSlot, EventStatus
from app.events.services.invitations import send_invitations
from tests.factories.events import post_form

LOCAL = "%Y-%m-%dT%H:%M"


def _event_form(call_ids=(), **changes) -> dict:
    start = (utcnow() + timedelta(days=20)).replace(hour=9, minute=0)
    values = {
        "title": "ICT brokerage day Graz", "kind": "brokerage", "venue": "Messe Graz",
        "online_url": "", "time_zone": "Europe/Vienna", "description": "Meet partners.",
        "starts_at": start, "ends_at": start + timedelta(hours=8),
        "registration_opens_at": start - timedelta(days=19),
        "registration_closes_at": start - timedelta(days=1),
        "booking_opens_at": start - timedelta(days=10),
        "booking_closes_at": start - timedelta(days=1), "slot_minutes": "20", "tables": "15",
        **changes}
    data = {k: v.strftime(LOCAL) if hasattr(v, "strftime") else v for k, v in values.items()}
    data["call_ids"] = [str(i) for i in call_ids]
    return data


def test_an_organiser_creates_an_event_linked_to_a_call_adds_a_session_and_publishes(
        app, client_for, make_user, make_funder, make_call):
    funder = make_funder()
    call = make_call(funder=funder)
    organiser = make_user(Role.organiser, funder=funder)
    client = client_for(organiser)
    response = post_form(client, "/events/manage/new", _event_form(call_ids=[call.id]))
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.status == EventStatus.DRAFT
    assert [c.reference for c in event.calls] == [call.reference]
    # 09:00 in Vienna is stored as UTC (07:00 or 08:00 depending on summer time).
    assert event.starts_at.utcoffset() == timedelta(0)
    assert event.starts_at.hour in (7, 8)

    # A draft is the organisers' business alone.
    assert app.test_client().get(f"/events/{event.id}").status_code == 404

    day = event.starts_at.astimezone(ZoneInfo("Europe/Vienna"))
    url = f"/events/{event.id}/organise"
    response = post_form(client, url, {
        "name": "Morning", "starts_at": day.replace(hour=9).strftime(LOCAL),
        "ends_at": day.replace(hour=10, minute=10).strftime(LOCAL)})
    assert response.status_code == 302
    # Three whole 20-minute slots; the 10 minutes left over are no slot.
    assert db.session.scalar(select(func.count()).select_from(EventSlot)) == 3

    response = post_form(client, f"/events/{event.id}/publish", {"confirm": "y"}, token_from=url)
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.status == EventStatus.PUBLISHED
    assert "ICT brokerage day Graz" in app.test_client().get("/events/").get_data(as_text=True)


def test_bad_times_are_shown_next_to_the_field_and_nothing_is_saved(
        app, client_for, make_user, make_funder):
    organiser = make_user(Role.organiser, funder=make_funder())
    client = client_for(organiser)
    form = _event_form()
    form["booking_closes_at"] = form["ends_at"]  # after the start: no time to schedule
    response = post_form(client, "/events/manage/new", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Booking must close before the event starts" in page
    assert 'value="ICT brokerage day Graz"' in page  # what was typed is kept
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_a_session_outside_the_event_is_refused(app, client_for, make_event):
    event = make_event(status=EventStatus.DRAFT)
    client = client_for(event.organiser)
    url = f"/events/{event.id}/organise"
    before = db.session.scalar(select(func.count()).select_from(EventSlot))
    late = (event.ends_at + timedelta(days=1)).astimezone(
        ZoneInfo(event.time_zone))
    response = post_form(client, url, {"name": "Late", "starts_at": late.strftime(LOCAL),
                                       "ends_at": (late + timedelta(hours=1)).strftime(LOCAL)})
    assert "The session must lie within the event" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(EventSlot)) == before


def test_organisers_of_another_institution_cannot_open_the_event(app, client_for, make_event,
                                                                 make_user, make_funder):
    event = make_event()
    stranger = make_user(Role.organiser, funder=make_funder())
    assert client_for(stranger).get(f"/events/{event.id}/organise").status_code == 404


_LINK = re.compile(r"(https?://\S+/events/\d+)")


def test_invitation_letters_go_once_to_chosen_organisations_with_configured_links(
        app, client_for, make_event, make_organisation, make_user, monkeypatch):
    # Requests in tests come to "localhost"; the configured address differs from it.
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://events.example.org/")
    event = make_event()
    firm = make_organisation("Alpine Broadband GmbH", country="AT", nace_code="J61")
    contact = make_user(Role.applicant, organisation=firm, email="ceo@alpine.example")
    make_organisation("Bakery Brot", country="AT", nace_code="C10")
    client = client_for(event.organiser)
    url = f"/events/{event.id}/invite?nace=J&country=AT"
    page = client.get(url).get_data(as_text=True)
    assert "Alpine Broadband GmbH" in page
    assert "Bakery Brot" not in page  # another sector
    # The request's host here is "localhost"; the letter's link must come from configuration.
    response = post_form(client, url, {"organisation_ids": [str(firm.id)]})
    assert response.status_code == 302
    letter = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == contact.email))
    assert event.title in letter.subject
    link = _LINK.search(letter.body).group(1)
    assert link == f"https://events.example.org/events/{event.id}"
    assert "localhost" not in letter.body

    # Inviting again sends nothing more.
    page = client.get(url).get_data(as_text=True)
    assert "Alpine Broadband GmbH (AT) — invited" in page
    assert db.session.scalar(select(func.count()).select_from(EventInvitation)) == 1


def test_a_draft_cannot_be_invited_to(app, make_event, make_organisation):
    event = make_event(status=EventStatus.DRAFT)
    firm = make_organisation()
    with pytest.raises(DomainError, match="Publish the event before inviting"):
        send_invitations(event.id, by=event.organiser, organisation_ids=[firm.id])


def test_the_public_list_pages_in_a_constant_number_of_queries(app, client, make_event,
                                                               count_queries):
    funder_event = make_event()
    for _ in range(2):
        make_event(funder=funder_event.funder, organiser=funder_event.organiser)
    with count_queries() as few:
        assert client.get("/events/").status_code == 200
    for _ in range(25):
        make_event(funder=funder_event.funder, organiser=funder_event.organiser)
    with count_queries() as many:
        page = client.get("/events/").get_data(as_text=True)
    assert page.count('class="h5"') == 20  # a page of 20
    assert len(many) == len(few)
