"""What an adviser may do in a firm's applications: checked here, on every request.

A firm grants an adviser access to its organisation's applications (AdviserAccess): read, or
read and edit drafts. An adviser is never a member of the consortium, so everything that
asks for membership (submitting, withdrawing, grants, bank details) stays closed to them;
edits go through the functions below, which refuse anything but a draft, and every adviser
action, reading included, is audited with the firm it was done for.
"""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Role, User
from app.applications.models import (
    AdviserAccess,
    AdviserLevel,
    Application,
    ApplicationStatus,
    BudgetLineRow,
    Participant,
    ParticipantRole,
)
from app.applications.services import applications as core
from app.applications.services import costs
from app.calls.models import Call
from app.calls.rules.finance import validate_amount
from app.core import audit
from app.core.errors import DomainError, Forbidden, NotFound
from app.core.extensions import db


def _firms_of(application: Application) -> dict[int, Participant]:
    return {p.organisation_id: p for p in application.participants
            if p.is_accepted and p.organisation_id}


def access_to(application: Application, user: User) -> AdviserAccess | None:
    """The adviser's active access to this application through one of its firms (an edit
    grant wins over a read grant); None for anybody else."""
    if not getattr(user, "is_authenticated", False) or not user.has_role(Role.adviser):
        return None
    firms = _firms_of(application)
    if not firms:
        return None
    grants = db.session.scalars(select(AdviserAccess).where(
        AdviserAccess.adviser_id == user.id, AdviserAccess.revoked_at.is_(None),
        AdviserAccess.organisation_id.in_(sorted(firms))))
    return max(grants, key=lambda g: (g.level == AdviserLevel.EDIT, -g.id), default=None)


def _advised(application_id: int, by: User) -> tuple[Application, AdviserAccess, Participant]:
    application = core._load(application_id)
    access = access_to(application, by) if application is not None else None
    if access is None:
        raise NotFound(_("There is no such application, or its firm has not given you access."))
    return application, access, _firms_of(application)[access.organisation_id]


def _record(by: User, action: str, application: Application, access: AdviserAccess,
            data: dict | None = None) -> None:
    audit.record(by, action, application, {"adviser": True,
                                           "organisation": access.organisation_id,
                                           **(data or {})})


def view_application(application_id: int, *, by: User):
    """The application for an adviser with access; the firm sees that it was read."""
    application, access, firm = _advised(application_id, by)
    _record(by, "adviser.application_viewed", application, access)
    return application, access, firm


def _require_edit(application: Application, access: AdviserAccess) -> None:
    if access.level != AdviserLevel.EDIT:
        raise Forbidden(_("The firm gave you read access only."))
    if application.status != ApplicationStatus.DRAFT:
        raise DomainError(_("Advisers edit drafts only; this application has been submitted."))
    core.require_editable(application)


def update_texts(application_id: int, *, by: User, data: core.ApplicationData,
                 expected_version) -> Application:
    """The shared texts, when the firm coordinates the application."""
    application, access, firm = _advised(application_id, by)
    _require_edit(application, access)
    if firm.role != ParticipantRole.COORDINATOR:
        raise Forbidden(_("Only the coordinator's side edits the shared texts; your firm is a "
                          "partner here."))
    core.check_version(application, expected_version)
    data = core._validate(application.call, data)
    core._ensure_acronym_free(application.call, data.acronym, except_id=application.id)
    application.acronym, application.title = data.acronym, data.title
    application.abstract, application.duration_months = data.abstract, data.duration_months
    application.strategic_area = data.strategic_area
    application.ict_categories = list(data.ict_categories)
    core.save_changes(application)
    _record(by, "application.updated", application, access, {"version": application.version})
    return application


def add_line(application_id: int, *, by: User, data: costs.BudgetLineData,
             expected_version) -> BudgetLineRow:
    """A budget line of the firm's own participation."""
    application, access, firm = _advised(application_id, by)
    _require_edit(application, access)
    core.check_version(application, expected_version)
    data = costs._validate(application.call, data)
    line = BudgetLineRow(category=data.category, ict_category=data.ict_category,
                         amount=validate_amount(data.amount), open_source=data.open_source,
                         description=data.description.strip())
    firm.budget_lines.append(line)
    core.save_changes(application)
    _record(by, "application.budget_line_added", application, access,
            {"participant": firm.id, "category": line.category, "amount": str(line.amount)})
    return line


def list_advised_applications(*, by: User, page: int = 1, per_page: int = 20):
    """The applications of the firms that gave the adviser access, nearest deadline first."""
    firms = select(AdviserAccess.organisation_id).where(
        AdviserAccess.adviser_id == by.id, AdviserAccess.revoked_at.is_(None))
    advised = select(Participant.application_id).where(
        Participant.organisation_id.in_(firms), Participant.accepted_at.is_not(None))
    query = (select(Application).join(Call, Call.id == Application.call_id)
             .where(Application.id.in_(advised))
             .options(joinedload(Application.call),
                      selectinload(Application.participants).joinedload(Participant.organisation))
             .order_by(Call.closes_at, Application.acronym))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
