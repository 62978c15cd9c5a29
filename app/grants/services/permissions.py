"""Who may see and act on which grant: the record-level rules every grant service applies."""

from dataclasses import dataclass
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, bindparam, exists, false, or_, select, true
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.elements import BindParameter

from app.accounts.models import Role, User
from app.applications.models import Application, Participant, ParticipantRole
from app.calls.models import Call
from app.core.errors import Forbidden, NotFound
from app.core.extensions import db
from app.grants.models import Disbursement, ExpenseClaim, Grant, GrantAmendment


def is_admin(user: User) -> bool:
    return user.has_role(Role.admin)


def is_coordinator(user: User, grant: Grant) -> bool:
    """The proposal's creator or the coordinating organisation's contact person."""
    application = grant.application
    return application.created_by_id == user.id or any(
        p.role == ParticipantRole.COORDINATOR and p.contact_user_id == user.id
        for p in application.participants)


def is_beneficiary_user(user: User, grant: Grant) -> bool:
    """Any accepted consortium member's contact person, or the proposal's creator."""
    application = grant.application
    return application.created_by_id == user.id or any(
        p.contact_user_id == user.id and p.accepted_at is not None
        for p in application.participants)


def can_view(user: User, grant: Grant) -> bool:
    return (is_admin(user) or user.is_staff_of(grant.call.funder_id)
            or is_beneficiary_user(user, grant))


def visible_to(user: User) -> ColumnElement[bool]:
    """A WHERE clause on Grant: the grants `user` may know exist."""
    if is_admin(user):
        return true()
    clauses = []
    if user.is_staff_of(user.funder_id):
        clauses.append(Grant.call_id.in_(select(Call.id).where(Call.funder_id == user.funder_id)))
    clauses.append(Grant.application_id.in_(
        select(Application.id).where(Application.created_by_id == user.id)))
    clauses.append(Grant.application_id.in_(
        select(Participant.application_id).where(Participant.contact_user_id == user.id,
                                                 Participant.accepted_at.is_not(None))))
    return or_(*clauses) if clauses else false()


@dataclass(frozen=True)
class Visibility:
    """A kind of user (admin; funder staff; anyone else) whose visibility_clause, the same
    object for every user of the kind, lets statements built on it be kept (listing.py); the
    user's ids are its bound parameters (viewer_id, viewer_funder_id), in `params`."""

    admin: bool
    staff: bool
    params: dict


def visibility_of(user: User) -> Visibility:
    return Visibility(is_admin(user), user.is_staff_of(user.funder_id),
                      {"viewer_id": user.id, "viewer_funder_id": user.funder_id})


@lru_cache(maxsize=4)
def visibility_clause(admin: bool, staff: bool) -> ColumnElement[bool]:
    """The clause of a Visibility's kind of user (its `params` bind the user's ids)."""
    if admin:
        return true()
    clauses = []
    if staff:
        clauses.append(Grant.call_id.in_(
            select(Call.id).where(Call.funder_id == bindparam("viewer_funder_id"))))
    clauses.append(Grant.application_id.in_(
        select(Application.id).where(Application.created_by_id == bindparam("viewer_id"))))
    clauses.append(Grant.application_id.in_(
        select(Participant.application_id).where(
            Participant.contact_user_id == bindparam("viewer_id"),
            Participant.accepted_at.is_not(None))))
    return or_(*clauses)


def get_grant(grant_id: int, *, by: User, for_update: bool = False) -> Grant:
    """The grant if `by` may see it; NotFound otherwise (others may not learn it exists)."""
    grant = db.session.scalar(_grant_query(grant_id, for_update))
    return _visible(grant, by)


@dataclass(frozen=True)
class Records:
    """Whether a grant has any claim, payment or amendment yet."""

    claims: bool
    payments: bool
    amendments: bool


def get_grant_and_records(grant_id: int, *, by: User) -> tuple[Grant, Records]:
    """As get_grant, and in the same statement whether it has claims, payments and
    amendments: the grant page reads none of them for a grant that has none yet."""
    row = db.session.execute(_grant_and_records_statement(), {"grant_id": grant_id}).first()
    grant = _visible(row[0] if row else None, by)
    return grant, Records(*row[1:])


@lru_cache(maxsize=1)
def _grant_and_records_statement() -> Select:
    """Built once per process, not on every grant page: the grant's id is a parameter."""
    def any_of(model) -> ColumnElement[bool]:
        return exists().where(model.grant_id == Grant.id)

    return _grant_query(bindparam("grant_id"), False).add_columns(
        any_of(ExpenseClaim), any_of(Disbursement), any_of(GrantAmendment))


def _grant_query(grant_id: int | BindParameter, for_update: bool) -> Select:
    query = select(Grant).where(Grant.id == grant_id)
    if for_update:
        # FOR UPDATE on PostgreSQL; SQLite ignores it and relies on conditional UPDATEs.
        query = query.with_for_update(of=Grant).execution_options(populate_existing=True)
        query = query.options(
            selectinload(Grant.application).selectinload(Application.participants))
    else:
        # The call and the proposal in the grant's own SELECT: every grant page reads both.
        query = query.options(
            joinedload(Grant.call, innerjoin=True),
            joinedload(Grant.application, innerjoin=True).selectinload(Application.participants))
    return query


def _visible(grant: Grant | None, by: User) -> Grant:
    if grant is None or not can_view(by, grant):
        raise NotFound(_("There is no such grant, or you may not see it."))
    return grant


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)
