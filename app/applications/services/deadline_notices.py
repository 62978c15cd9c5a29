"""Tell every coordinator who has started on a call that its deadline moved.

Connected to calls.services.deadlines.deadline_moved (calls cannot see applications). Runs in
the officer's transaction, so the notice and the e-mails are kept together.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.applications.models import Application, ApplicationStatus, Participant, ParticipantRole
from app.calls.models import Call, DeadlineChange
from app.calls.services.deadlines import deadline_moved
from app.core.extensions import db
from app.core.formatting import local_datetime
from app.core.links import public_url
from app.core.mail import send_mail


def _coordinator_email(application: Application) -> str:
    coordinator = next((p for p in application.participants
                        if p.role == ParticipantRole.COORDINATOR and p.contact_user), None)
    return coordinator.contact_user.email if coordinator else application.created_by.email


def _body(call: Call, change: DeadlineChange, application: Application) -> str:
    direction = "brought forward" if change.is_earlier else "extended"
    old = local_datetime(change.old_closes_at, call.timezone)
    new = local_datetime(change.new_closes_at, call.timezone)
    reason = f"\nThe reason given: {change.reason}\n" if change.reason else ""
    return (f"Hello,\n\nthe deadline of the call {call.reference} – {call.title} was "
            f"{direction}.\n\nIt was: {old}\nIt is now: {new}\n{reason}\n"
            f"This concerns your application {application.acronym}. The call page shows the "
            f"notice:\n{public_url('calls.detail', reference=call.reference)}\n")


@deadline_moved.connect
def tell_coordinators(call: Call, *, change: DeadlineChange) -> int:
    """One e-mail per draft or submitted application (withdrawn ones are not concerned)."""
    applications = _started_applications(call)
    subject = (f"Deadline {'brought forward' if change.is_earlier else 'extended'}: "
               f"{call.reference}")
    for application in applications:
        send_mail(_coordinator_email(application), subject, _body(call, change, application))
    return len(applications)


def _started_applications(call: Call) -> list[Application]:
    return list(db.session.scalars(
        select(Application)
        .where(Application.call_id == call.id,
               Application.status != ApplicationStatus.WITHDRAWN)
        .options(selectinload(Application.participants).selectinload(Participant.contact_user),
                 selectinload(Application.created_by))
        .order_by(Application.id)))
