"""Tell every coordinator who has started on a call that its deadline moved.

Connected to calls.services.deadlines.deadline_moved (calls cannot see applications). Runs in
the officer's transaction, so the notice and the e-mails are kept together.
"""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.applications.models import Application, ApplicationStatus, Participant, ParticipantRole
from app.calls.models import Call, DeadlineChange
from app.calls.services.deadlines import deadline_moved
from app.core.extensions import db
from app.core.formatting import local_datetime
from app.core.links import public_url
from app.core.mail import send_mail


def _coordinator(application: Application) -> User:
    coordinator = next((p for p in application.participants
                        if p.role == ParticipantRole.COORDINATOR and p.contact_user), None)
    return coordinator.contact_user if coordinator else application.created_by


def _subject(call: Call, change: DeadlineChange) -> str:
    if change.is_earlier:
        return _("Deadline brought forward: %(reference)s", reference=call.reference)
    return _("Deadline extended: %(reference)s", reference=call.reference)


def _body(call: Call, change: DeadlineChange, application: Application) -> str:
    values = {"reference": call.reference, "title": call.title,
              "old": local_datetime(change.old_closes_at, call.timezone),
              "new": local_datetime(change.new_closes_at, call.timezone),
              "acronym": application.acronym,
              "link": public_url("calls.detail", reference=call.reference)}
    if change.is_earlier:
        text = _("Hello,\n\nthe deadline of the call %(reference)s – %(title)s was brought "
                 "forward.\n\nIt was: %(old)s\nIt is now: %(new)s\n", **values)
    else:
        text = _("Hello,\n\nthe deadline of the call %(reference)s – %(title)s was "
                 "extended.\n\nIt was: %(old)s\nIt is now: %(new)s\n", **values)
    if change.reason:
        text += "\n" + _("The reason given: %(reason)s", reason=change.reason) + "\n"
    return text + "\n" + _("This concerns your application %(acronym)s. The call page shows "
                           "the notice:\n%(link)s\n", **values)


@deadline_moved.connect
def tell_coordinators(call: Call, *, change: DeadlineChange) -> int:
    """One e-mail per draft or submitted application (withdrawn ones are not concerned), in
    the language its coordinator chose."""
    applications = _started_applications(call)
    for application in applications:
        coordinator = _coordinator(application)
        with force_locale(coordinator.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            subject, body = _subject(call, change), _body(call, change, application)
        send_mail(coordinator.email, subject, body)
    return len(applications)


def _started_applications(call: Call) -> list[Application]:
    return list(db.session.scalars(
        select(Application)
        .where(Application.call_id == call.id,
               Application.status != ApplicationStatus.WITHDRAWN)
        .options(selectinload(Application.participants).selectinload(Participant.contact_user),
                 selectinload(Application.created_by))
        .order_by(Application.id)))
