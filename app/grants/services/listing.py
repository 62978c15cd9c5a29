"""Grant lists: the grants a user may know, filtered, and the calls they belong to."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import (
    CompoundSelect,
    Row,
    Select,
    bindparam,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import User
from app.applications.models import Application
from app.calls.models import Call
from app.core.extensions import db
from app.core.paging import TotalledRowPagination, paginate_totalled_rows
from app.grants.models import ExpenseClaim, Grant, GrantBeneficiary, GrantPlanLine, Installment
from app.grants.rules.lifecycle import ClaimStatus, GrantStatus, InstallmentStatus
from app.grants.services.permissions import Visibility, visibility_clause, visibility_of

PER_PAGE = 25


def list_grants(*, by: User, call_id: int | None = None, status: str = "", page: int = 1,
                visibility: Visibility | None = None) -> TotalledRowPagination:
    """The grants `by` may know, newest first; an unknown status filters nothing.
    `visibility`: visibility_of(by), when the caller has it already.

    Plain rows of the columns a list shows (grant, project acronym, call reference and
    currency), no entities: building 25 grants with their call and application was most of
    the list's time."""
    visibility = visibility or visibility_of(by)
    by_status = status in set(GrantStatus)
    query = _grants_statement(visibility.admin, visibility.staff, bool(call_id), by_status)
    return paginate_totalled_rows(query, page=page, per_page=PER_PAGE, params=dict(
        visibility.params, call_id=call_id, status=status))


# Aliases, so that the visibility clause's subqueries on calls and applications stay
# uncorrelated; made once (an alias copies every column of its table: ~0.5 ms a call).
_LISTED_CALL, _LISTED_APPLICATION = aliased(Call), aliased(Application)


@lru_cache(maxsize=16)
def _grants_statement(admin: bool, staff: bool, by_call: bool, by_status: bool) -> Select:
    """The list's SELECT for a kind of user and of filter, built once per process."""
    call, application = _LISTED_CALL, _LISTED_APPLICATION
    query = (select(Grant.id, Grant.agreement_number, Grant.status, Grant.awarded_amount,
                    Grant.disbursed_amount, application.acronym, call.reference, call.currency)
             .join(call, Grant.call_id == call.id)
             .join(application, Grant.application_id == application.id)
             .where(visibility_clause(admin, staff)))
    if by_call:
        query = query.where(Grant.call_id == bindparam("call_id"))
    if by_status:
        query = query.where(Grant.status == bindparam("status"))
    return query.order_by(Grant.prepared_at.desc(), Grant.id.desc())


@dataclass(frozen=True)
class Attention:
    """What waits on a grant in a list: claims for a decision, installments to pay."""

    claims_waiting: int = 0
    installments_payable: int = 0


@lru_cache(maxsize=1)
def _attention_statement() -> CompoundSelect:
    """Built once per process (the grants' ids are one expanding parameter, `ids`)."""

    def counted(kind: str, model, status):
        return (select(literal(kind), model.grant_id, func.count())
                .where(model.grant_id.in_(bindparam("ids", expanding=True)),
                       model.status == status)
                .group_by(model.grant_id))

    return union_all(counted("claims", ExpenseClaim, ClaimStatus.SUBMITTED),
                     counted("payable", Installment, InstallmentStatus.PAYABLE))


def attention_of(grants: Iterable[Row]) -> dict[int, Attention]:
    """The grants of a list page that wait for someone, by id: two grouped counts in one
    statement, whatever the number of grants."""
    ids = [grant.id for grant in grants]
    if not ids:
        return {}
    claims: dict[int, int] = {}
    payable: dict[int, int] = {}
    for kind, grant_id, count in db.session.execute(_attention_statement(), {"ids": ids}).all():
        (claims if kind == "claims" else payable)[grant_id] = count
    return {grant_id: Attention(claims.get(grant_id, 0), payable.get(grant_id, 0))
            for grant_id in ids if grant_id in claims or grant_id in payable}


def calls_of_visible_grants(*, by: User, visibility: Visibility | None = None) -> list[Row]:
    """The calls to filter the list by: those with a grant `by` may know (id and reference)."""
    visibility = visibility or visibility_of(by)
    return db.session.execute(_calls_statement(visibility.admin, visibility.staff),
                              visibility.params).all()


@lru_cache(maxsize=4)
def _calls_statement(admin: bool, staff: bool) -> Select:
    return (select(Call.id, Call.reference)
            .where(Call.id.in_(select(Grant.call_id).where(visibility_clause(admin, staff))))
            .order_by(Call.reference))


def beneficiaries_and_plan_of(grant: Grant) -> list[GrantBeneficiary]:
    """The grant's beneficiaries (organisations loaded) and, in the same statement, its
    ICT plan: `grant.beneficiaries` and `grant.plan_lines` are set from the rows rather than
    read again (the bank details link reads the former)."""
    beneficiaries: dict[int, GrantBeneficiary] = {}
    lines: list[GrantPlanLine] = []
    for beneficiary, line in db.session.execute(_beneficiaries_and_plan_statement(),
                                                {"grant_id": grant.id}):
        beneficiaries.setdefault(beneficiary.id, beneficiary)
        if line is not None:
            lines.append(line)
    set_committed_value(grant, "plan_lines", sorted(lines, key=lambda line: line.id))
    set_committed_value(grant, "beneficiaries", list(beneficiaries.values()))  # same order
    return grant.beneficiaries


@lru_cache(maxsize=1)
def _beneficiaries_and_plan_statement() -> Select:
    """Built once per process, not on every grant page: the grant's id is a parameter."""
    grant_id = bindparam("grant_id")
    return (select(GrantBeneficiary, GrantPlanLine)
            .outerjoin(GrantPlanLine, (GrantPlanLine.beneficiary_id == GrantBeneficiary.id)
                       & (GrantPlanLine.grant_id == grant_id))
            .where(GrantBeneficiary.grant_id == grant_id)
            .options(joinedload(GrantBeneficiary.organisation, innerjoin=True))
            .order_by(GrantBeneficiary.id, GrantPlanLine.id))
