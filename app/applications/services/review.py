"""Officer screens: a call's submitted applications, their stored reports, eligibility decisions."""

from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import defer, joinedload, load_only, selectinload

from app.accounts.models import Organisation, User
from app.applications.models import (
    Application,
    ApplicationStatus,
    Participant,
    ParticipantRole,
    Submission,
)
from app.applications.rules.submission import deadline_passed
from app.applications.services.applications import flush_or_conflict
from app.calls.models import Call
from app.calls.services.calls import can_manage
from app.core import audit
from app.core.database import utcnow
from app.core.errors import DomainError, NotFound
from app.core.extensions import db
from app.core.paging import paginate_counted

# Statuses an application can have once submitted; the officer filters by them.
OFFICER_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE,
                    ApplicationStatus.INELIGIBLE, ApplicationStatus.WITHDRAWN,
                    ApplicationStatus.UNDER_EVALUATION, ApplicationStatus.FUNDED,
                    ApplicationStatus.RESERVE, ApplicationStatus.REJECTED,
                    ApplicationStatus.GRANT)
DECIDABLE_STATUSES = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE,
                                ApplicationStatus.INELIGIBLE})
SCREENING_PER_PAGE = 25
SORT_LABELS = {"submitted": _l("Latest submission first"), "acronym": _l("Acronym"),
               "requested": _l("Requested grant, highest first"), "status": _l("Status")}


def get_call_for_officer(reference: str, *, by: User) -> Call:
    call = db.session.scalar(select(Call).where(Call.reference == reference))
    if call is None or not can_manage(by, call):
        raise NotFound(_("There is no such call among yours."))
    return call


def _latest_numbers(*conditions):
    """Each application's latest submission number, as a derived table the database computes
    once per query (a correlated subquery ran once per candidate row: 20,000 times)."""
    return (select(Submission.application_id, func.max(Submission.number).label("number"))
            .join(Application, Application.id == Submission.application_id)
            .where(*conditions).group_by(Submission.application_id).subquery())


def _latest_submission_join(latest):
    return and_(Submission.application_id == latest.c.application_id,
                Submission.number == latest.c.number)


def _order(sort: str) -> tuple:
    # The default is the application's own time of its latest submission (record_submission
    # sets both): an index gives a page of 31,000 applications without joining a submission.
    return {
        "acronym": (func.lower(Application.acronym), Application.id),
        "requested": (Submission.requested_amount.desc(), Application.id),
        "status": (Application.status, func.lower(Application.acronym), Application.id),
    }.get(sort, (Application.submitted_at.desc(), Application.id.desc()))


def list_call_applications(call: Call, *, status: str | None = None, sort: str = "submitted",
                           page: int = 1, per_page: int | None = None):
    """Applications submitted at least once, each with its latest submission: a page of
    them in a fixed number of queries, with only the columns the list shows."""
    latest = _latest_numbers(Application.call_id == call.id)
    query = (select(Application)
             .join(latest, latest.c.application_id == Application.id)
             .join(Submission, _latest_submission_join(latest))
             .where(Application.call_id == call.id)
             .options(load_only(Application.acronym, Application.title, Application.status),
                      # Only the coordinator: the list shows its organisation.
                      selectinload(Application.participants.and_(
                          Participant.role == ParticipantRole.COORDINATOR))
                      .load_only(Participant.role, Participant.organisation_id)
                      .selectinload(Participant.organisation)
                      .load_only(Organisation.name, Organisation.short_name,
                                 Organisation.country))
             .order_by(*_order(sort)))
    if status in set(OFFICER_STATUSES):
        query = query.where(Application.status == status)
    applications = db.paginate(query, page=page, per_page=per_page or SCREENING_PER_PAGE,
                               error_out=False)
    ids = [application.id for application in applications.items]
    submissions: dict[int, Submission] = {}
    if ids:
        on_page = _latest_numbers(Submission.application_id.in_(ids))
        rows = db.session.scalars(
            select(Submission).join(on_page, _latest_submission_join(on_page))
            .options(load_only(Submission.application_id, Submission.number,
                               Submission.submitted_at, Submission.requested_amount,
                               Submission.participant_count, Submission.failed_checks)))
        submissions = {submission.application_id: submission for submission in rows}
    return applications, submissions


class ScreeningRow(NamedTuple):
    """One line of the screening list: the application and its latest submission's figures."""
    id: int
    acronym: str
    title: str
    status: str
    number: int
    submitted_at: object
    requested_amount: object
    participant_count: int
    failed_checks: int
    coordinator: str | None = None  # "short name (CC)"


def screening_page(call: Call, *, status: str | None = None, sort: str = "submitted",
                   page: int = 1):
    """A page of the screening list as plain rows, in four statements whatever the call's
    size: the count, the page's applications, their latest submissions' figures, their
    coordinators (no ORM objects, no JSON). Only the order by requested amount joins every
    application's latest submission; the others page the applications alone."""
    # Submitted at least once: Application.submitted_at is set by every submission.
    conditions = [Application.call_id == call.id, Application.submitted_at.is_not(None)]
    if status in set(OFFICER_STATUSES):
        conditions.append(Application.status == status)
    query = select(Application.id, Application.acronym, Application.title,
                   Application.status).where(*conditions)
    if sort == "requested":
        latest = _latest_numbers(Application.call_id == call.id)
        query = (query.join(latest, latest.c.application_id == Application.id)
                 .join(Submission, _latest_submission_join(latest)))
    count = select(func.count()).select_from(Application).where(*conditions)
    pagination = paginate_counted(query.order_by(*_order(sort)), count, page=page,
                                  per_page=SCREENING_PER_PAGE)
    ids = [row.id for row in pagination.items]
    figures, coordinators = _latest_figures(ids), _coordinators(ids)
    pagination.items = [ScreeningRow(*row, *figures[row.id], coordinator=coordinators.get(row.id))
                        for row in pagination.items]
    return pagination


def _latest_figures(application_ids: list[int]) -> dict[int, tuple]:
    """Each application's latest submission: number, time, requested, participants, failed
    checks (ScreeningRow's fields, in order)."""
    if not application_ids:
        return {}
    latest = _latest_numbers(Submission.application_id.in_(application_ids))
    rows = db.session.execute(
        select(Submission.application_id, Submission.number, Submission.submitted_at,
               Submission.requested_amount, Submission.participant_count,
               Submission.failed_checks).join(latest, _latest_submission_join(latest)))
    return {application_id: tuple(figures) for application_id, *figures in rows}


def _coordinators(application_ids: list[int]) -> dict[int, str]:
    """Each application's (first) coordinator as shown in lists: "short name (CC)"."""
    if not application_ids:
        return {}
    rows = db.session.execute(
        select(Participant.application_id, Organisation.short_name, Organisation.name,
               Organisation.country)
        .join(Organisation, Organisation.id == Participant.organisation_id)
        .where(Participant.application_id.in_(application_ids),
               Participant.role == ParticipantRole.COORDINATOR)
        .order_by(Participant.id.desc()))
    # Descending ids: the first coordinator, as Application.coordinator, is written last.
    return {application_id: f"{short_name or name} ({country})"
            for application_id, short_name, name, country in rows}


def get_for_officer(application_id: int, *, by: User) -> tuple[Application, Submission]:
    """A submitted application with its latest submission, for the call's officers."""
    # One statement: the application with its call and decider, and only its latest
    # submission (earlier snapshots are not shown, so not decoded).
    found = db.session.execute(
        select(Application, Submission)
        .join(Submission, Submission.application_id == Application.id)
        .where(Application.id == application_id)
        .order_by(Submission.number.desc()).limit(1)
        .options(joinedload(Application.call),
                 # Their names are shown; their roles (loaded "selectin") are not needed.
                 joinedload(Application.eligibility_decided_by).lazyload(User.role_rows),
                 joinedload(Submission.submitted_by).lazyload(User.role_rows),
                 defer(Application.eligibility_report))).first()  # the stored one is shown
    if found is None or not can_manage(by, found.Application.call):
        raise NotFound(_("There is no such submitted application among your calls."))
    application, latest = found
    return application, latest


def decide_eligibility(application_id: int, *, by: User, eligible: bool, reason: str,
                       expected_version=None) -> Application:
    """Mark eligible or ineligible, with the reason; audited, and changeable until evaluation."""
    application, submission = get_for_officer(application_id, by=by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the decision."), field="reason")
    if not deadline_passed(application.call.closes_at, utcnow()):
        raise DomainError(_("Eligibility is decided after the deadline: until then the consortium "
                            "may still resubmit or withdraw."))
    if application.status not in DECIDABLE_STATUSES:
        raise DomainError(_("The eligibility of this application can no longer be changed."))
    if expected_version is not None and str(expected_version) != str(application.version):
        raise DomainError(_("Someone changed this application meanwhile: reload and decide again."))
    previous = application.status
    application.status = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE
    application.eligibility_decision_reason = reason
    application.eligibility_decided_by_id = by.id
    application.eligibility_decided_at = utcnow()
    flush_or_conflict()
    audit.record(by, "application.eligibility_decided", application,
                 {"decision": application.status, "previous": previous, "reason": reason,
                  "submission": submission.number})
    return application
