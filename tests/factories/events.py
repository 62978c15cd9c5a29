"""Creator fixtures for events: make_event (published, with sessions and slots), register_org,
make_adviser (an assistance centre with one adviser), and client_for (a signed-in client per
user) with post_form."""

import itertools
from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.assistance.models import Adviser, AssistanceCentre
from app.core.database import utcnow
from app.core.extensions import db
from app.events.models import (
    Event,
    EventSession,
    EventSlot,
    EventStatus,
    Registration,
)
from app.events.rules.timetable import cut_slots
from tests.conftest import csrf_token
from tests.factories.accounts import PASSWORD

_sequence = itertools.count(1)


@pytest.fixture
def make_event(app, make_funder, make_user):
    """A published brokerage event in 10 days: registration and booking open now, two
    sessions of three 20-minute slots, `tables` tables."""

    def make(*, funder=None, organiser=None, calls=(), tables: int = 2,
             status: EventStatus = EventStatus.PUBLISHED, starts_in=timedelta(days=10),
             registration_open: bool = True, booking_open: bool = True) -> Event:
        now = utcnow()
        funder = funder or make_funder()
        organiser = organiser or make_user(Role.organiser, funder=funder)
        start = (now + starts_in).replace(hour=8, minute=0, second=0, microsecond=0)
        past = now - timedelta(days=30)
        event = Event(
            funder=funder, title=f"Brokerage day {next(_sequence)}", kind="brokerage",
            venue="Chamber of Commerce, Graz", time_zone="Europe/Vienna",
            starts_at=start, ends_at=start + timedelta(hours=8), slot_minutes=20, tables=tables,
            registration_opens_at=past,
            registration_closes_at=start if registration_open else past + timedelta(days=1),
            booking_opens_at=past if booking_open else past,
            booking_closes_at=start - timedelta(hours=1) if booking_open
            else past + timedelta(days=1),
            status=status, created_by_id=organiser.id, calls=list(calls))
        db.session.add(event)
        db.session.flush()
        for name, offset in (("Morning", 0), ("Afternoon", 5)):
            session_start = start + timedelta(hours=offset)
            session = EventSession(name=name, starts_at=session_start,
                                   ends_at=session_start + timedelta(hours=1))
            event.sessions.append(session)
            session.slots = [EventSlot(event_id=event.id, starts_at=a, ends_at=b) for a, b in
                             cut_slots(session.starts_at, session.ends_at, 20)]
        db.session.commit()
        event.organiser = organiser
        return event

    return make


@pytest.fixture
def register_org(app, make_user, make_organisation):
    """A firm (a user with an organisation) registered for every session of the event."""

    def register(event: Event, *, country: str = "DE", org_type: str = "PRC",
                 breaks=(), user=None, **organisation_fields) -> Registration:
        if user is None:
            organisation = make_organisation(country=country, org_type=org_type,
                                             **organisation_fields)
            user = make_user(Role.applicant, organisation=organisation)
        registration = Registration(event_id=event.id, organisation_id=user.organisation_id,
                                    user_id=user.id, sessions=list(event.sessions),
                                    break_slot_ids=list(breaks), profile="We build things.")
        db.session.add(registration)
        db.session.commit()
        return registration

    return register


@pytest.fixture
def make_adviser(app, make_user, make_organisation):
    """An assistance centre (a chamber) and one adviser of it."""

    def make(**user_fields):
        chamber = make_organisation("Chamber of Commerce", country="AT", org_type="OTH")
        admin = make_user(Role.admin)
        centre = AssistanceCentre(organisation=chamber, services="Help with applications",
                                  created_by_id=admin.id)
        user = make_user(Role.adviser, organisation=chamber, **user_fields)
        adviser = Adviser(user=user, centre=centre, languages=["de", "en"],
                          topics=["broadband"])
        db.session.add_all([centre, adviser])
        db.session.commit()
        return adviser

    return make


@pytest.fixture
def client_for(app):
    """A separate signed-in browser session per user (several people act in one test)."""

    def make(user):
        client = app.test_client()
        response = client.post("/accounts/login", data={
            "email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
        assert response.status_code == 302, "sign-in failed"
        return client

    return make


def post_form(client, url: str, data: dict, *, token_from: str | None = None):
    """POST `data` with the CSRF token of the page at `token_from` (default: `url`)."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, token_from or url)})
