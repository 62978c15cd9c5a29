"""After the event: feedback on each meeting, applications started from meetings, the report."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.applications.models import Application, Participant, ParticipantRole
from app.applications.services.applications import (
    ApplicationData,
    save_changes,
    start_application,
)
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.core.i18n import mail_language
from app.core.links import public_url
from app.core.mail import send_mail
from app.events.models import (
    Event,
    Meeting,
    MeetingFeedback,
    MeetingStatus,
    Outcome,
    Registration,
)
from app.events.services.organising import get_event, get_organised_event
from app.events.services.registration import list_registrations, require_registration


def _my_meeting(event: Event, meeting_id: int, by: User) -> tuple[Registration, Meeting]:
    me = require_registration(event, by)
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != event.id:
        raise NotFound(_("There is no such meeting."))
    if me.id not in (meeting.requester_id, meeting.invitee_id):
        raise Forbidden(_("This is not one of your meetings."))
    if meeting.status != MeetingStatus.ACCEPTED:
        raise DomainError(_("Only accepted meetings can be followed up."))
    return me, meeting


@dataclass(frozen=True)
class FeedbackData:
    held: bool
    rating: int | None
    outcome: str
    comment: str = ""


def give_feedback(event_id: int, meeting_id: int, *, by: User, data: FeedbackData,
                  now: datetime | None = None) -> MeetingFeedback:
    """Each side rates the meeting once the event has begun; saving again updates it."""
    event = get_event(event_id, by=by)
    me, meeting = _my_meeting(event, meeting_id, by)
    if (now or utcnow()) < event.starts_at:
        raise DomainError(_("Feedback opens when the event begins."))
    if data.outcome not in set(Outcome):
        raise DomainError(_("Choose what came of the meeting."), field="outcome")
    if data.rating is not None and not 1 <= data.rating <= 5:
        raise DomainError(_("Rate the meeting from 1 to 5 stars."), field="rating")
    if not data.held and (data.rating is not None or data.outcome != Outcome.NOTHING):
        raise DomainError(_("A meeting that did not take place has no rating or outcome."),
                          field="held")
    feedback = next((f for f in meeting.feedback if f.registration_id == me.id), None)
    if feedback is None:
        feedback = MeetingFeedback(registration_id=me.id)
        meeting.feedback.append(feedback)
    feedback.held, feedback.rating = data.held, data.rating
    feedback.outcome, feedback.comment = data.outcome, data.comment.strip()[:2000]
    try:
        db.session.flush()
    except IntegrityError:  # the same feedback saved twice at once
        raise Conflict(_("Your feedback was saved meanwhile; reload the page.")) from None
    audit.record(by, "event.feedback_given", meeting,
                 {"held": data.held, "rating": data.rating, "outcome": data.outcome})
    return feedback


def start_application_from_meeting(event_id: int, meeting_id: int, *, by: User,
                                   call_reference: str, acronym: str,
                                   title: str) -> Application:
    """A draft on a linked call, coordinated by the user's organisation, with the other side
    of the meeting already in the consortium (both agreed to meet about working together)."""
    event = get_event(event_id, by=by)
    me, meeting = _my_meeting(event, meeting_id, by)
    if meeting.application_id is not None:
        raise Conflict(_("An application was already started from this meeting."))
    if call_reference not in {call.reference for call in event.calls}:
        raise DomainError(_("Choose one of the calls the event is linked to."),
                          field="call_reference")
    other = meeting.other_side(me.id)
    application = start_application(by=by, call_reference=call_reference,
                                    data=ApplicationData(acronym=acronym, title=title))
    organisation = other.organisation
    application.participants.append(Participant(
        organisation=organisation, role=ParticipantRole.PARTNER,
        invited_email=other.user.email, accepted_at=utcnow(), contact_user_id=other.user_id,
        fields_of_science=list(organisation.fields_of_science or [])))
    save_changes(application)
    changed = db.session.execute(
        Meeting.__table__.update().where(Meeting.id == meeting.id,
                                         Meeting.application_id.is_(None))
        .values(application_id=application.id)).rowcount
    if not changed:
        raise Conflict(_("An application was already started from this meeting."))
    with mail_language(other.user):
        send_mail(other.user.email, _("%(acronym)s: an application from your meeting",
                                      acronym=application.acronym), _(
            "Hello %(name)s,\n\n%(organisation)s started the application %(acronym)s — "
            "%(title)s on the call %(call)s after your meeting at %(event)s. Your organisation "
            "is a partner in it:\n%(link)s\n", name=other.user.name,
            organisation=me.organisation.name, acronym=application.acronym,
            title=application.title, call=call_reference, event=event.title,
            link=public_url("applications.detail", application_id=application.id)))
    audit.record(by, "event.application_started", meeting,
                 {"application": application.id, "call": call_reference})
    return application


@dataclass(frozen=True)
class EventReport:
    event: Event
    registered: int
    checked_in: int
    requested: int
    accepted: int
    declined: int
    placed: int
    held: int
    average_rating: float | None
    outcomes: dict[str, int]
    applications: list[Application]
    lonely: list[Registration]  # registered, yet without an accepted meeting


def report(event_id: int, *, by: User) -> EventReport:
    """What the organiser sees after the event, in a constant number of statements."""
    event = get_organised_event(event_id, by=by)
    registrations = list_registrations(event)
    statuses = Counter(dict(db.session.execute(
        select(Meeting.status, func.count()).where(Meeting.event_id == event.id)
        .group_by(Meeting.status)).all()))
    placed = db.session.scalar(select(func.count()).select_from(Meeting).where(
        Meeting.event_id == event.id, Meeting.slot_id.is_not(None)))
    feedback = list(db.session.execute(
        select(MeetingFeedback.meeting_id, MeetingFeedback.held, MeetingFeedback.rating,
               MeetingFeedback.outcome)
        .join(Meeting, Meeting.id == MeetingFeedback.meeting_id)
        .where(Meeting.event_id == event.id)))
    ratings = [row.rating for row in feedback if row.rating is not None]
    # An outcome counts once per meeting: the better word of the two sides.
    rank = {Outcome.NOTHING: 0, Outcome.FURTHER_CONTACT: 1, Outcome.JOINT_APPLICATION: 2}
    best: dict[int, str] = {}
    for row in feedback:
        if row.held and rank[Outcome(row.outcome)] >= rank[Outcome(best.get(
                row.meeting_id, Outcome.NOTHING))]:
            best[row.meeting_id] = row.outcome
    applications = list(db.session.scalars(
        select(Application).join(Meeting, Meeting.application_id == Application.id)
        .where(Meeting.event_id == event.id)
        .options(joinedload(Application.call)).order_by(Application.acronym)))
    with_meeting = set()
    for requester, invitee in db.session.execute(
            select(Meeting.requester_id, Meeting.invitee_id).where(
                Meeting.event_id == event.id, Meeting.status == MeetingStatus.ACCEPTED)):
        with_meeting.update((requester, invitee))
    return EventReport(
        event=event, registered=len(registrations),
        checked_in=sum(1 for r in registrations if r.checked_in_at),
        requested=sum(statuses.values()), accepted=statuses[MeetingStatus.ACCEPTED],
        declined=statuses[MeetingStatus.DECLINED], placed=placed or 0,
        held=len({row.meeting_id for row in feedback if row.held}),
        average_rating=round(sum(ratings) / len(ratings), 1) if ratings else None,
        outcomes={o.label: sum(1 for v in best.values() if v == o) for o in Outcome},
        applications=applications,
        lonely=[r for r in registrations if r.id not in with_meeting])
