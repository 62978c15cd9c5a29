"""Grant lists: the grants a user may know, filtered, and the calls they belong to."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.calls.models import Call
from app.core.extensions import db
from app.grants.models import Grant, GrantBeneficiary
from app.grants.rules.lifecycle import GrantStatus
from app.grants.services.permissions import visible_to

PER_PAGE = 50


def list_grants(*, by: User, call_id: int | None = None, status: str = "", page: int = 1):
    """The grants `by` may know, newest first; an unknown status filters nothing."""
    query = select(Grant).where(visible_to(by))
    if call_id:
        query = query.where(Grant.call_id == call_id)
    if status in set(GrantStatus):
        query = query.where(Grant.status == status)
    return db.paginate(
        query.options(selectinload(Grant.call), selectinload(Grant.application))
        .order_by(Grant.prepared_at.desc(), Grant.id.desc()),
        page=page, per_page=PER_PAGE, error_out=False)


def calls_of_visible_grants(*, by: User) -> list[Call]:
    """The calls to filter the list by: those with a grant `by` may know."""
    return list(db.session.scalars(select(Call).where(
        Call.id.in_(select(Grant.call_id).where(visible_to(by)))).order_by(Call.reference)))


def beneficiaries_of_grant(grant: Grant) -> list[GrantBeneficiary]:
    return list(db.session.scalars(
        select(GrantBeneficiary).where(GrantBeneficiary.grant_id == grant.id)
        .options(selectinload(GrantBeneficiary.organisation))
        .order_by(GrantBeneficiary.id)))
