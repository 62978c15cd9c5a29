"""Demo events: a past brokerage day with its schedule and feedback, an upcoming one open for
booking, and a university's assistance centre whose adviser the demo firm trusts."""

from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import Funder, Organisation, User
from app.applications.models import AdviserAccess, AdviserLevel
from app.assistance.models import Adviser, AssistanceCentre
from app.calls.models import Call
from app.core.database import utcnow
from app.core.extensions import db
from app.events.models import (
    EntryKind,
    Event,
    EventSession,
    EventSlot,
    EventStatus,
    MarketplaceEntry,
    Meeting,
    MeetingFeedback,
    MeetingStatus,
    Outcome,
    Registration,
)
from app.events.rules.timetable import cut_slots
from app.events.services.meetings import pair_key
from app.events.services.scheduling import make_schedule

ORGANISER = "organiser@demo.opencall.eu"
ADVISER = "adviser@demo.opencall.eu"
COORDINATOR = "coordinator@demo.opencall.eu"
PAST_TITLE = "CADSES ICT brokerage day, Graz"
UPCOMING_TITLE = "Broadband and web content brokerage, Ljubljana"
OPEN_CALL = "CADSES-ICT-2027-01"
CLOSED_CALL = "CADSES-ICT-2026-09"
OFFERS = (
    (EntryKind.OFFER, "Pilot sites in rural valleys", ["broadband", "pilots"]),
    (EntryKind.REQUEST, "A research partner for data analytics", ["analytics", "research"]),
    (EntryKind.OFFER, "Web content management know-how", ["web", "content"]),
    (EntryKind.REQUEST, "SMEs to test an online shop toolkit", ["e-commerce", "sme"]),
)


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _event(funder: Funder, organiser: User, *, title: str, days: int, calls: list[Call],
           status: EventStatus) -> Event:
    """An event `days` from now (negative: in the past), two sessions of 20-minute slots."""
    now = utcnow()
    start = (now + timedelta(days=days)).replace(hour=7, minute=0, second=0, microsecond=0)
    event = Event(funder=funder, title=title, kind="brokerage", time_zone="Europe/Vienna",
                  description="Bilateral meetings of firms and research centres of the CADSES "
                              "area to form consortia for the agency's ICT calls.",
                  venue="Chamber of Commerce, main hall", starts_at=start,
                  ends_at=start + timedelta(hours=8), slot_minutes=20, tables=8,
                  registration_opens_at=start - timedelta(days=45),
                  registration_closes_at=start - timedelta(days=1),
                  booking_opens_at=start - timedelta(days=30),
                  booking_closes_at=start - timedelta(days=1), status=status,
                  created_by_id=organiser.id, calls=calls)
    db.session.add(event)
    db.session.flush()
    for name, offset in (("Morning meetings", 1), ("Afternoon meetings", 5)):
        session = EventSession(name=name, starts_at=start + timedelta(hours=offset),
                               ends_at=start + timedelta(hours=offset + 2))
        event.sessions.append(session)
        session.slots = [EventSlot(event_id=event.id, starts_at=a, ends_at=b)
                         for a, b in cut_slots(session.starts_at, session.ends_at, 20)]
    db.session.flush()
    return event


def _register(event: Event, organisations: list[Organisation],
              users: dict[int, User]) -> list[Registration]:
    registrations = []
    for index, organisation in enumerate(organisations):
        user = users.get(organisation.id)
        if user is None:
            continue
        registration = Registration(event_id=event.id, organisation_id=organisation.id,
                                    user_id=user.id, sessions=list(event.sessions),
                                    profile=(organisation.description or "")[:400])
        kind, title, tags = OFFERS[index % len(OFFERS)]
        registration.entries.append(MarketplaceEntry(kind=kind, title=title, tags=tags))
        db.session.add(registration)
        registrations.append(registration)
    db.session.flush()
    return registrations


def _meet(event: Event, first: Registration, second: Registration, status: str) -> Meeting:
    meeting = Meeting(event_id=event.id, requester_id=first.id, invitee_id=second.id,
                      pair_key=pair_key(first.id, second.id), status=status,
                      note="We would like to discuss a joint application.",
                      answered_at=utcnow() if status != MeetingStatus.REQUESTED else None)
    db.session.add(meeting)
    return meeting


def _contacts(organisations: list[Organisation]) -> dict[int, User]:
    """Each organisation's first account: who registers it (demo users included)."""
    users: dict[int, User] = {}
    for user in db.session.scalars(select(User).where(User.organisation_id.in_(
            [o.id for o in organisations])).order_by(User.id)):
        users.setdefault(user.organisation_id, user)
    return users


def _assistance(centre_org: Organisation, adviser: User, admin: User, firm_user: User,
                calls: list[Call]) -> None:
    centre = db.session.scalar(select(AssistanceCentre).where(
        AssistanceCentre.organisation_id == centre_org.id))
    if centre is None:
        centre = AssistanceCentre(organisation=centre_org, created_by_id=admin.id,
                                  services="Free help for small firms applying to the "
                                           "agency's ICT calls: budgets, partners, documents.")
        db.session.add(centre)
    if db.session.scalar(select(Adviser).where(Adviser.user_id == adviser.id)) is None:
        db.session.add(Adviser(user=adviser, centre=centre, languages=["en", "de", "sl"],
                               topics=["broadband", "web content management", "budgets"],
                               calls=calls))
    if firm_user is not None and firm_user.organisation_id and db.session.scalar(
            select(AdviserAccess.id).where(AdviserAccess.adviser_id == adviser.id)) is None:
        db.session.add(AdviserAccess(organisation_id=firm_user.organisation_id,
                                     adviser_id=adviser.id, level=AdviserLevel.EDIT,
                                     granted_by_id=firm_user.id))


def seed_events(funder: Funder, organisations: list[Organisation]) -> None:
    """Idempotent: events are found by title, the centre by organisation."""
    organiser, adviser, admin = _user(ORGANISER), _user(ADVISER), _user(
        "admin@demo.opencall.eu")
    if organiser is None or adviser is None or admin is None:
        return
    calls = {c.reference: c for c in db.session.scalars(select(Call))}
    users = _contacts(organisations)
    members = [o for o in organisations if o.id in users][:8]
    centre_org = next(o for o in organisations if o.org_type == "HES"
                      and o.id != adviser.organisation_id)
    if adviser.organisation_id is None:
        adviser.organisation = centre_org
    _assistance(adviser.organisation or centre_org, adviser, admin, _user(COORDINATOR),
                [calls[ref] for ref in (OPEN_CALL,) if ref in calls])
    if len(members) >= 8 and db.session.scalar(
            select(Event.id).where(Event.title == PAST_TITLE)) is None:
        past = _event(funder, organiser, title=PAST_TITLE, days=-40, status=EventStatus.PUBLISHED,
                      calls=[calls[CLOSED_CALL]] if CLOSED_CALL in calls else [])
        # Scheduling needs the event still ahead: it is made "before" and then moved back.
        registrations = _register(past, members, users)
        meetings = [_meet(past, registrations[i], registrations[j], MeetingStatus.ACCEPTED)
                    for i, j in ((0, 1), (0, 2), (1, 3), (2, 4), (3, 5), (4, 6))]
        _meet(past, registrations[5], registrations[7], MeetingStatus.DECLINED)
        db.session.flush()
        make_schedule(past.id, by=organiser, now=past.starts_at - timedelta(days=2))
        for number, meeting in enumerate(meetings):
            for registration_id in (meeting.requester_id, meeting.invitee_id):
                held = number != 5  # one meeting did not take place
                db.session.add(MeetingFeedback(
                    meeting_id=meeting.id, registration_id=registration_id, held=held,
                    rating=(5 - number % 3) if held else None,
                    outcome=(Outcome.JOINT_APPLICATION if number == 0 else
                             Outcome.FURTHER_CONTACT if number % 2 else Outcome.NOTHING)
                    if held else Outcome.NOTHING))
        for registration in registrations[:6]:
            registration.checked_in_at = past.starts_at
    if db.session.scalar(select(Event.id).where(Event.title == UPCOMING_TITLE)) is None:
        upcoming = _event(funder, organiser, title=UPCOMING_TITLE, days=20,
                          status=EventStatus.PUBLISHED,
                          calls=[calls[OPEN_CALL]] if OPEN_CALL in calls else [])
        registrations = _register(upcoming, members[2:6], users)
        if len(registrations) >= 3:
            _meet(upcoming, registrations[0], registrations[1], MeetingStatus.ACCEPTED)
            _meet(upcoming, registrations[2], registrations[0], MeetingStatus.REQUESTED)
    db.session.flush()
