"""Application use cases: who may see and change one, starting it, editing its shared parts."""

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import User
from app.applications.models import Application, ApplicationStatus, Participant, ParticipantRole
from app.applications.services.checklist import Checklist, build_checklist
from app.calls.models import Call
from app.calls.rules.lifecycle import CallKind, CallStatus
from app.calls.services.calls import can_manage
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.core.paging import paginate_counted

MY_APPLICATIONS_PER_PAGE = 20
# Until the deadline a submitted or withdrawn application may still change and be resubmitted.
EDITABLE_STATUSES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED,
                               ApplicationStatus.WITHDRAWN})
STALE_MESSAGE = _l("Someone else saved this application after you opened the page. Your input "
                   "is kept below but not saved: check it against the current data and save "
                   "again.")


# --- seeing an application ----------------------------------------------------------------


def _load(application_id: int) -> Application | None:
    return db.session.scalars(
        select(Application).where(Application.id == application_id).options(
            joinedload(Application.call),
            selectinload(Application.participants).options(
                joinedload(Participant.organisation),
                # Contacts are shown by name: their roles (loaded "selectin") are not needed.
                joinedload(Participant.contact_user).lazyload(User.role_rows),
                selectinload(Participant.budget_lines)),
            # Joined: an application has a few files, and one statement fewer is cheaper.
            joinedload(Application.attachments),
            selectinload(Application.submissions))).unique().first()


def membership(application: Application, user: User) -> Participant | None:
    """The user's accepted participation in this consortium, if any."""
    return next((p for p in application.participants
                 if p.is_accepted and p.contact_user_id == getattr(user, "id", None)), None)


def get_application(application_id: int, *, by: User) -> Application:
    """The application for a member of its consortium; 404 for everybody else."""
    application = _load(application_id)
    if application is None or membership(application, by) is None:
        raise NotFound(_("There is no such application, or you are not in its consortium."))
    return application


def get_viewable_application(application_id: int, *, by: User) -> Application:
    """For files and receipts: consortium members, and the call's officers once submitted.

    A draft is the consortium's business alone: officers see only what was submitted.
    """
    application = _load(application_id)
    if application is None or not (membership(application, by) is not None
                                   or (application.submissions
                                       and can_manage(by, application.call))):
        raise NotFound(_("There is no such application, or you may not see it."))
    return application


def submitted_attachment_ids(application: Application) -> set[int]:
    """The files some submission of the application froze (what officers may download)."""
    return {document["id"] for submission in application.submissions
            for document in (submission.snapshot or {}).get("attachments", [])}


def require_coordinator(application: Application, by: User) -> Participant:
    participant = membership(application, by)
    if participant is None or participant.role != ParticipantRole.COORDINATOR:
        raise Forbidden(_("Only the coordinator may do this."))
    return participant


def require_editable(application: Application, now: datetime | None = None) -> None:
    """Changes are possible only while the call is open and nobody has decided on it yet."""
    call = application.call
    if not call.is_open(now or utcnow()):
        raise DomainError(_("The call is closed: the application can no longer be changed."))
    if application.status not in EDITABLE_STATUSES:
        raise DomainError(_("This application is being evaluated and can no longer be changed."))


def check_version(application: Application, expected: int | str | None) -> None:
    """The form's version must be the row's: otherwise someone saved in between."""
    try:
        expected = int(expected)
    except (TypeError, ValueError):
        raise Conflict(str(STALE_MESSAGE)) from None
    if expected != application.version:
        raise Conflict(str(STALE_MESSAGE))


def save_changes(application: Application) -> Checklist:
    """Recompute the checklist, bump the application's version and flush.

    Touching the application row makes every change (participants, budget lines, files)
    go through its version check, so a concurrent save fails instead of overwriting.
    """
    application.updated_at = utcnow()
    checklist = build_checklist(application, store=True)
    flush_or_conflict()
    return checklist


def flush_or_conflict() -> None:
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(str(STALE_MESSAGE)) from None


def checklist(application: Application) -> Checklist:
    return build_checklist(application)


# --- starting and editing -----------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationData:
    acronym: str
    title: str
    abstract: str = ""
    duration_months: int = 24
    strategic_area: str | None = None
    ict_categories: tuple[str, ...] = ()
    bid_price_amount: Decimal | None = None


def list_open_calls(now: datetime | None = None) -> list[Call]:
    now = now or utcnow()
    return list(db.session.scalars(
        select(Call).where(Call.status == CallStatus.PUBLISHED, Call.opens_at <= now,
                           Call.closes_at > now).order_by(Call.closes_at, Call.reference)))


def get_open_call(reference: str) -> Call:
    call = db.session.scalar(select(Call).where(Call.reference == reference))
    if call is None or call.status == CallStatus.DRAFT:
        raise NotFound(_("There is no such call."))
    if not call.is_open():
        raise DomainError(_("This call is not open for applications."))
    return call


def _validate(call: Call, data: ApplicationData) -> ApplicationData:
    # Stored upper-cased so the unique key on (call_id, acronym) is case-insensitive too.
    data = replace(data, acronym=data.acronym.strip().upper(), title=data.title.strip())
    if not data.acronym:
        raise DomainError(_("Enter an acronym."), field="acronym")
    if call.strategic_areas and data.strategic_area not in call.strategic_areas:
        raise DomainError(_("Choose one of the call's strategic areas."), field="strategic_area")
    unknown = set(data.ict_categories) - set(call.ict_categories or ())
    if unknown:
        raise DomainError(_("Choose among the call's ICT categories."), field="ict_categories")
    if not 1 <= data.duration_months <= 120:
        raise DomainError(_("Enter a duration from 1 to 120 months."), field="duration_months")
    if call.kind != CallKind.TENDER and data.bid_price_amount is not None:
        raise DomainError(_("Only tenders have a bid price."), field="bid_price")
    return data


ACRONYM_TAKEN = _l("Another application to this call already uses this acronym.")


def _ensure_acronym_free(call: Call, acronym: str, *, except_id: int | None = None) -> None:
    """A friendly early answer; the unique key still decides between concurrent requests."""
    query = select(Application.id).where(Application.call_id == call.id,
                                         Application.acronym == acronym)
    if except_id is not None:
        query = query.where(Application.id != except_id)
    if db.session.scalar(query) is not None:
        raise DomainError(str(ACRONYM_TAKEN), field="acronym")


def start_application(*, by: User, call_reference: str, data: ApplicationData) -> Application:
    """A new draft whose coordinator is the user's organisation."""
    call = get_open_call(call_reference)
    if by.organisation_id is None:
        raise DomainError(_("Your account has no organisation; register one first."))
    data = _validate(call, data)
    _ensure_acronym_free(call, data.acronym)
    organisation = by.organisation
    application = Application(
        call=call, acronym=data.acronym, title=data.title,
        abstract=data.abstract, duration_months=data.duration_months,
        strategic_area=data.strategic_area, ict_categories=list(data.ict_categories),
        bid_price_amount=data.bid_price_amount, created_by_id=by.id,
        status=ApplicationStatus.DRAFT)
    application.participants.append(Participant(
        organisation=organisation, role=ParticipantRole.COORDINATOR, invited_email=by.email,
        accepted_at=utcnow(), contact_user_id=by.id,
        fields_of_science=list(organisation.fields_of_science or [])))
    db.session.add(application)
    build_checklist(application, store=True)
    try:
        db.session.flush()
    except IntegrityError:
        raise DomainError(str(ACRONYM_TAKEN), field="acronym") from None
    audit.record(by, "application.started", application,
                 {"call": call.reference, "acronym": application.acronym})
    return application


def update_application(application_id: int, *, by: User, data: ApplicationData,
                       expected_version: int | str | None) -> Application:
    application = get_application(application_id, by=by)
    require_coordinator(application, by)
    require_editable(application)
    check_version(application, expected_version)
    data = _validate(application.call, data)
    _ensure_acronym_free(application.call, data.acronym, except_id=application.id)
    application.acronym = data.acronym
    application.title = data.title
    application.abstract = data.abstract
    application.duration_months = data.duration_months
    application.strategic_area = data.strategic_area
    application.ict_categories = list(data.ict_categories)
    application.bid_price_amount = data.bid_price_amount
    try:
        save_changes(application)
    except IntegrityError:
        raise DomainError(str(ACRONYM_TAKEN), field="acronym") from None
    audit.record(by, "application.updated", application, {"version": application.version})
    return application


def list_my_applications(*, by: User, page: int = 1, per_page: int = MY_APPLICATIONS_PER_PAGE):
    """The user's consortia across calls, the latest deadline first (for the API: whole
    applications, with only their call's reference)."""
    query = (select(Application)
             .join(Participant, Participant.application_id == Application.id)
             .join(Call, Call.id == Application.call_id)
             .where(Participant.contact_user_id == by.id, Participant.accepted_at.is_not(None))
             .options(joinedload(Application.call).load_only(Call.reference))
             .order_by(Call.closes_at.desc(), Application.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def my_applications_page(*, by: User, page: int = 1, per_page: int | None = None):
    """The "My applications" page: a page of rows of just the columns it shows, the user's
    role in each consortium among them, in two statements (the count and the page) however
    many consortia the user is in; no ORM objects, none of the call's JSON documents."""
    query = (select(Application.id, Application.acronym, Application.title, Application.status,
                    Participant.role, Call.reference.label("call_reference"), Call.closes_at,
                    Call.timezone)
             .join(Participant, Participant.application_id == Application.id)
             .join(Call, Call.id == Application.call_id)
             .where(Participant.contact_user_id == by.id, Participant.accepted_at.is_not(None))
             .order_by(Call.closes_at.desc(), Application.id.desc(), Participant.id))
    # Each participation is one row of the list (its application and call always exist).
    count = select(func.count()).select_from(Participant).where(
        Participant.contact_user_id == by.id, Participant.accepted_at.is_not(None))
    return paginate_counted(query, count, page=page,
                            per_page=per_page or MY_APPLICATIONS_PER_PAGE)
