"""The application page's data as plain rows, not ORM objects.

The page only shows the application: loading it as a graph of ORM objects (the call, its
participants with their organisations and contacts, budget lines, files, submissions) cost
more CPU than rendering it. Here each part is one Core SELECT of the columns the page, its
checklist and its "changes not submitted yet" comparison read, made into light objects with
the attribute names of the models, so the checklist and snapshot code read either.

Only for showing: anything that changes an application loads it with get_application.
"""

from datetime import datetime
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, select

from app.accounts.models import Organisation, User
from app.applications.models import (
    Application,
    Attachment,
    BudgetLineRow,
    Participant,
    Submission,
)
from app.calls.models import Call
from app.calls.rules.lifecycle import CallStatus, Phase, phase
from app.core.database import utcnow
from app.core.errors import NotFound
from app.core.extensions import db


class Shown(SimpleNamespace):
    """A row read for display: attributes named as the model's columns."""


class ShownCall(Shown):
    def is_open(self, now: datetime | None = None) -> bool:
        # As Call.is_open.
        return phase(CallStatus(self.status), self.opens_at, self.closes_at,
                     now or utcnow()) == Phase.OPEN


_APPLICATION = (Application.id, Application.call_id, Application.acronym, Application.title,
                Application.abstract, Application.duration_months, Application.strategic_area,
                Application.ict_categories, Application.bid_price_amount, Application.status,
                Application.version)
_CALL = (Call.id, Call.reference, Call.title, Call.kind, Call.currency, Call.funding_rates,
         Call.indirect_rate, Call.max_per_proposal_amount, Call.eligibility_rules,
         Call.required_attachments, Call.opens_at, Call.closes_at, Call.timezone, Call.status)
_ATTACHMENT = (Attachment.id, Attachment.kind, Attachment.filename, Attachment.size,
               Attachment.sha256, Attachment.uploaded_at)
_PARTICIPANT = (Participant.id, Participant.organisation_id, Participant.role,
                Participant.invited_email, Participant.accepted_at, Participant.contact_user_id,
                Participant.fields_of_science, Participant.key_personnel_women,
                Participant.key_personnel_men)
_ORGANISATION = (Organisation.id, Organisation.name, Organisation.short_name,
                 Organisation.country, Organisation.org_type, Organisation.is_sme,
                 Organisation.controller_id, Organisation.control_status)
_LINE = (BudgetLineRow.participant_id, BudgetLineRow.category, BudgetLineRow.ict_category,
         BudgetLineRow.open_source, BudgetLineRow.description, BudgetLineRow.amount)
_SUBMISSION = (Submission.id, Submission.number, Submission.snapshot,
               Submission.snapshot_sha256, Submission.submitted_at)


def _labelled(prefix: str, columns) -> list:
    return [column.label(f"{prefix}{column.key}") for column in columns]


def _shown(row, prefix: str, columns, kind=Shown) -> Shown:
    return kind(**{column.key: row[f"{prefix}{column.key}"] for column in columns})


# Built once: constructing a SELECT of thirty labelled columns cost more than running it.
_ID = bindparam("application_id")
_APPLICATION_AND_FILES = (
    # The application with its call and its current files in one statement (a few files).
    select(*_labelled("a_", _APPLICATION), *_labelled("c_", _CALL), *_labelled("f_", _ATTACHMENT))
    .join(Call, Call.id == Application.call_id)
    .outerjoin(Attachment, and_(Attachment.application_id == Application.id,
                                Attachment.superseded_at.is_(None)))
    .where(Application.id == _ID).order_by(Attachment.id))
_PARTICIPANTS = (
    select(*_labelled("p_", _PARTICIPANT), *_labelled("o_", _ORGANISATION),
           User.name.label("contact_name"))
    .outerjoin(Organisation, Organisation.id == Participant.organisation_id)
    .outerjoin(User, User.id == Participant.contact_user_id)
    .where(Participant.application_id == _ID).order_by(Participant.id))
_BUDGET_LINES = (
    select(*_LINE).join(Participant, Participant.id == BudgetLineRow.participant_id)
    .where(Participant.application_id == _ID).order_by(BudgetLineRow.id))
_SUBMISSIONS = (select(*_SUBMISSION).where(Submission.application_id == _ID)
                .order_by(Submission.number))


def _rows(statement, application_id: int):
    # On the session's connection (its transaction): Session.execute's ORM handling of a
    # statement that loads no entity cost more CPU than the SELECT's own rows; nothing is
    # flushed first, which a page that changes nothing does not need.
    return db.session.connection().execute(statement, {"application_id": application_id})


def _application_and_files(application_id: int) -> Shown | None:
    rows = _rows(_APPLICATION_AND_FILES, application_id).mappings().all()
    if not rows:
        return None
    application = _shown(rows[0], "a_", _APPLICATION)
    application.call = _shown(rows[0], "c_", _CALL, ShownCall)
    application.current_attachments = [_shown(row, "f_", _ATTACHMENT) for row in rows
                                       if row["f_id"] is not None]
    return application


def _participants(application_id: int) -> list[Shown]:
    participants = []
    for row in _rows(_PARTICIPANTS, application_id).mappings():
        participant = _shown(row, "p_", _PARTICIPANT)
        participant.is_accepted = participant.accepted_at is not None
        participant.organisation = (_shown(row, "o_", _ORGANISATION)
                                    if row["o_id"] is not None else None)
        participant.contact_user = (Shown(id=participant.contact_user_id,
                                          name=row["contact_name"])
                                    if participant.contact_user_id is not None else None)
        participant.budget_lines = []
        participants.append(participant)
    return participants


def _attach_budget_lines(application_id: int, participants: list[Shown]) -> None:
    by_id = {participant.id: participant for participant in participants}
    for row in _rows(_BUDGET_LINES, application_id):
        by_id[row.participant_id].budget_lines.append(row)


def _submissions(application_id: int) -> list:
    return list(_rows(_SUBMISSIONS, application_id))


def application_for_page(application_id: int, *, by: User) -> Shown:
    """The application as its page shows it, for a member of its consortium; 404 for everybody
    else (as get_application). Four statements, whatever the size of the consortium."""
    application = _application_and_files(application_id)
    if application is not None:
        application.participants = _participants(application_id)
    user_id = getattr(by, "id", None)
    if application is None or not any(p.is_accepted and p.contact_user_id == user_id
                                      for p in application.participants):
        raise NotFound(_("There is no such application, or you are not in its consortium."))
    _attach_budget_lines(application_id, application.participants)
    application.submissions = _submissions(application_id)
    return application
