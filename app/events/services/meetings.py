"""Meetings: browsing participants (suggestions first), requesting, answering, reminders."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.applications.rules.eligibility import Member
from app.applications.services.checklist import rules_of
from app.calls.models import Call
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.core.i18n import mail_language
from app.core.links import public_url
from app.core.mail import send_mail
from app.directory.rules.suggestions import Candidate, suggest_partners
from app.events.models import Event, Meeting, MeetingStatus, Registration
from app.events.services.organising import get_event, get_organised_event
from app.events.services.registration import list_registrations, require_registration


def pair_key(a: int, b: int) -> str:
    return f"{min(a, b)}-{max(a, b)}"


@dataclass(frozen=True)
class ParticipantCard:
    registration: Registration
    suggested_for: tuple[str, ...]  # references of linked calls it would make eligible
    fixes: int  # failing checks of those calls it would fix
    meeting: Meeting | None  # the request between us, if any


def _open_call(event: Event) -> list[Call]:
    now = utcnow()
    return [call for call in event.calls if call.closes_at > now]


def _member(registration: Registration) -> Member:
    org = registration.organisation
    return Member(key=str(org.id), name=org.short_name or org.name, country=org.country,
                  org_type=org.org_type, is_sme=bool(org.is_sme),
                  fields_of_science=tuple(org.fields_of_science or ()), role="coordinator",
                  controller=str(org.controller_id) if org.controller_id else None)


def _candidate(registration: Registration) -> Candidate:
    org = registration.organisation
    text = " ".join([registration.profile, *(f"{e.title} {' '.join(e.tags)}"
                                             for e in registration.entries)])
    return Candidate(key=str(registration.id), name=org.name, country=org.country,
                     org_type=org.org_type, is_sme=bool(org.is_sme),
                     fields_of_science=tuple(org.fields_of_science or ()),
                     controller=str(org.controller_id) if org.controller_id else None,
                     text=text, looking_for_partners=True)


def browse(event_id: int, *, by: User, q: str = "", kind: str = "") -> tuple[
        Event, Registration, list[ParticipantCard]]:
    """The other participants; those who would make a consortium with us eligible for a
    linked call come first (the directory's pure suggestion engine, run per call)."""
    event = get_event(event_id, by=by)
    me = require_registration(event, by)
    others = [r for r in list_registrations(event) if r.id != me.id]
    if q.strip():
        words = q.strip().lower().split()
        others = [r for r in others if all(w in _searchable(r) for w in words)]
    if kind:
        others = [r for r in others if any(e.kind == kind for e in r.entries)]
    suggested: dict[int, list[str]] = {}
    fixes: dict[int, int] = {}
    for call in _open_call(event):
        result = suggest_partners([_member(me)], rules_of(call), map(_candidate, others),
                                  on=call.closes_at.date(), limit=len(others) or 1)
        for suggestion in result.suggestions:
            key = int(suggestion.candidate.key)
            fixes[key] = fixes.get(key, 0) + len(suggestion.fixes)
            if suggestion.makes_eligible:
                suggested.setdefault(key, []).append(call.reference)
    meetings = {m.other_side(me.id).id: m for m in _meetings_of(event, me)}
    cards = [ParticipantCard(r, tuple(suggested.get(r.id, ())), fixes.get(r.id, 0),
                             meetings.get(r.id)) for r in others]
    cards.sort(key=lambda c: (-len(c.suggested_for), -c.fixes, c.registration.organisation.name))
    return event, me, cards


def _searchable(registration: Registration) -> str:
    org = registration.organisation
    parts = [org.name, org.short_name or "", org.country, registration.profile,
             *(f"{e.title} {e.description} {' '.join(e.tags)}" for e in registration.entries)]
    return " ".join(parts).lower()


def _meetings_of(event: Event, registration: Registration) -> list[Meeting]:
    return list(db.session.scalars(
        select(Meeting).where(Meeting.event_id == event.id,
                              or_(Meeting.requester_id == registration.id,
                                  Meeting.invitee_id == registration.id))
        .options(joinedload(Meeting.requester).joinedload(Registration.organisation),
                 joinedload(Meeting.invitee).joinedload(Registration.organisation),
                 joinedload(Meeting.slot), joinedload(Meeting.application))
        .order_by(Meeting.id)))


def my_meetings(event_id: int, *, by: User) -> tuple[Event, Registration, list[Meeting]]:
    event = get_event(event_id, by=by)
    me = require_registration(event, by)
    return event, me, _meetings_of(event, me)


def _require_booking_open(event: Event, now: datetime | None) -> None:
    if not event.is_booking_open(now or utcnow()):
        raise DomainError(_("Booking meetings is closed for this event."))


def request_meeting(event_id: int, *, by: User, with_registration_id: int, note: str = "",
                    now: datetime | None = None) -> Meeting:
    event = get_event(event_id, by=by)
    me = require_registration(event, by)
    _require_booking_open(event, now)
    other = db.session.get(Registration, with_registration_id)
    if other is None or other.event_id != event.id:
        raise NotFound(_("There is no such participant at this event."))
    if other.id == me.id:
        raise DomainError(_("You cannot meet your own organisation."))
    if len(note) > 1000:
        raise DomainError(_("Keep the note under 1,000 characters."), field="note")
    key, name = pair_key(me.id, other.id), other.organisation.name
    if db.session.scalar(select(Meeting.id).where(Meeting.event_id == event.id,
                                                  Meeting.pair_key == key)):
        raise Conflict(_("There is already a meeting request with %(name)s.", name=name))
    meeting = Meeting(event_id=event.id, requester_id=me.id, invitee_id=other.id,
                      pair_key=key, note=note.strip())
    db.session.add(meeting)
    try:
        db.session.flush()
    except IntegrityError:  # both asked each other at the same moment
        raise Conflict(_("There is already a meeting request with %(name)s.", name=name)) from None
    with mail_language(other.user):
        send_mail(other.user.email, _("Meeting request at %(event)s", event=event.title), _(
            "Hello %(name)s,\n\n%(organisation)s would like to meet you at %(event)s.\n\n"
            "%(note)s\n\nAccept or decline here:\n%(link)s\n", name=other.user.name,
            organisation=me.organisation.name, event=event.title, note=meeting.note,
            link=public_url("events.meetings", event_id=event.id)))
    audit.record(by, "event.meeting_requested", meeting, {"event": event.id,
                                                          "with": other.organisation_id})
    return meeting


def answer_meeting(event_id: int, meeting_id: int, *, by: User, accept: bool,
                   now: datetime | None = None) -> Meeting:
    """The invitee accepts or declines; a conditional update makes a double click harmless."""
    event = get_event(event_id, by=by)
    me = require_registration(event, by)
    _require_booking_open(event, now)
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != event.id:
        raise NotFound(_("There is no such meeting request."))
    if meeting.invitee_id != me.id:
        raise Forbidden(_("Only the invited side answers a meeting request."))
    status = MeetingStatus.ACCEPTED if accept else MeetingStatus.DECLINED
    changed = db.session.execute(
        Meeting.__table__.update()
        .where(Meeting.id == meeting.id, Meeting.status == MeetingStatus.REQUESTED)
        .values(status=status, answered_at=utcnow())).rowcount
    if not changed:
        raise Conflict(_("This request has already been answered."))
    db.session.refresh(meeting)
    requester = meeting.requester
    link = public_url("events.meetings", event_id=event.id)
    with mail_language(requester.user):
        if status == MeetingStatus.ACCEPTED:
            subject = _("Meeting accepted: %(event)s", event=event.title)
            body = _("Hello %(name)s,\n\n%(organisation)s has accepted your meeting request "
                     "for %(event)s.\n%(link)s\n", name=requester.user.name,
                     organisation=me.organisation.name, event=event.title, link=link)
        else:
            subject = _("Meeting declined: %(event)s", event=event.title)
            body = _("Hello %(name)s,\n\n%(organisation)s has declined your meeting request "
                     "for %(event)s.\n%(link)s\n", name=requester.user.name,
                     organisation=me.organisation.name, event=event.title, link=link)
        send_mail(requester.user.email, subject, body)
    audit.record(by, f"event.meeting_{status.value}", meeting, {"event": event.id})
    return meeting


def send_reminders(event_id: int, *, by: User) -> int:
    """Write to every participant with no meeting accepted or asked for yet."""
    event = get_organised_event(event_id, by=by)
    busy = set()
    for requester, invitee, status in db.session.execute(
            select(Meeting.requester_id, Meeting.invitee_id, Meeting.status)
            .where(Meeting.event_id == event.id)):
        if status != MeetingStatus.DECLINED:
            busy.update((requester, invitee))
    lonely = [r for r in list_registrations(event) if r.id not in busy]
    for registration in lonely:
        with mail_language(registration.user):
            send_mail(registration.user.email,
                      _("Book your meetings at %(event)s", event=event.title), _(
                          "Hello %(name)s,\n\nYou have no meetings yet at %(event)s. Browse "
                          "the participants and the marketplace and ask for meetings here:\n"
                          "%(link)s\n", name=registration.user.name, event=event.title,
                          link=public_url("events.participants", event_id=event.id)))
    audit.record(by, "event.reminders_sent", event, {"count": len(lonely)})
    return len(lonely)
