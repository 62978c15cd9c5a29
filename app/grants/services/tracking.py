"""Read models for tracking: one grant's plan, claims and payments; a funder's or call's totals."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import (
    CompoundSelect,
    Select,
    bindparam,
    case,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import load_only, selectinload

from app.accounts.models import Organisation, User
from app.calls.models import Call
from app.core.extensions import db
from app.core.paging import paginate_totalled_rows
from app.grants.models import (
    ClaimLine,
    Disbursement,
    DisbursementShare,
    ExpenseClaim,
    Grant,
    GrantBeneficiary,
    GrantPlanLine,
    Installment,
)
from app.grants.rules.lifecycle import COMMITTED_GRANT_STATUSES, ClaimStatus, InstallmentStatus
from app.grants.services.permissions import is_admin

ZERO = Decimal("0.00")
# Claims whose costs count as claimed (a draft is not claimed yet, a rejected one no more).
CLAIMED_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.PAID)
UPCOMING_PER_PAGE = 25


@dataclass
class Figures:
    """Planned costs, claimed costs and paid grant money for one row of a tracking table."""

    planned: Decimal = ZERO
    claimed: Decimal = ZERO
    paid: Decimal = ZERO


@dataclass
class GrantTracking:
    by_ict: dict[str, Figures]
    by_beneficiary: dict[int, Figures]
    by_beneficiary_ict: dict[tuple[int, str], Figures]
    total: Figures


def _add(table: dict, key, attribute: str, amount: Decimal) -> None:
    figures = table.setdefault(key, Figures())
    setattr(figures, attribute, getattr(figures, attribute) + Decimal(amount))


def grant_tracking(grant: Grant, plan_lines: list[GrantPlanLine] | None = None,
                   records: tuple[list[ExpenseClaim], list[Disbursement]] | None = None,
                   ) -> GrantTracking:
    """Plan vs claimed vs paid by ICT category and beneficiary, in two grouped queries; one
    when the caller has the grant's `plan_lines` already (the grant page shows them), none
    when its `records` (grant_records) show nothing claimed or paid yet."""
    if plan_lines is None:
        planned = db.session.execute(
            select(GrantPlanLine.beneficiary_id, GrantPlanLine.ict_category,
                   func.sum(GrantPlanLine.amount))
            .where(GrantPlanLine.grant_id == grant.id)
            .group_by(GrantPlanLine.beneficiary_id, GrantPlanLine.ict_category)).all()
    else:
        planned = [(line.beneficiary_id, line.ict_category, line.amount) for line in plan_lines]
    # Claimed and paid in one statement: a UNION ALL of the two grouped sums, tagged.
    nothing_yet = records is not None and not records[1] and not any(
        claim.status in CLAIMED_STATUSES for claim in records[0])
    claimed_and_paid = [] if nothing_yet else db.session.execute(union_all(
        select(literal("claimed"), ClaimLine.beneficiary_id, ClaimLine.ict_category,
               func.sum(ClaimLine.amount))
        .join(ExpenseClaim)
        .where(ExpenseClaim.grant_id == grant.id, ExpenseClaim.status.in_(CLAIMED_STATUSES))
        .group_by(ClaimLine.beneficiary_id, ClaimLine.ict_category),
        select(literal("paid"), DisbursementShare.beneficiary_id, DisbursementShare.ict_category,
               func.sum(DisbursementShare.amount))
        .join(Disbursement).where(Disbursement.grant_id == grant.id)
        .group_by(DisbursementShare.beneficiary_id, DisbursementShare.ict_category))).all()
    claimed = [row[1:] for row in claimed_and_paid if row[0] == "claimed"]
    paid = [row[1:] for row in claimed_and_paid if row[0] == "paid"]
    tracking = GrantTracking({}, {}, {}, Figures())
    for attribute, rows in (("planned", planned), ("claimed", claimed), ("paid", paid)):
        for beneficiary_id, code, amount in rows:
            _add(tracking.by_ict, code, attribute, amount)
            _add(tracking.by_beneficiary, beneficiary_id, attribute, amount)
            _add(tracking.by_beneficiary_ict, (beneficiary_id, code), attribute, amount)
            _add({"total": tracking.total}, "total", attribute, amount)
    return tracking


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    label: str


def grant_timeline(grant: Grant, claims: list[ExpenseClaim],
                   disbursements: list[Disbursement]) -> list[TimelineEvent]:
    """What happened to the grant, in the order it was recorded."""
    events = [TimelineEvent(grant.prepared_at, _("Grant agreement prepared"))]
    if grant.accepted_at:
        events.append(TimelineEvent(grant.accepted_at, _("Accepted by the coordinator")))
    if grant.signed_at:
        events.append(TimelineEvent(grant.signed_at, _("Signed; payment schedule generated")))
    for claim in claims:
        if claim.submitted_at:
            events.append(TimelineEvent(claim.submitted_at, _(
                "Claim for period %(number)s submitted", number=claim.period)))
        if claim.decided_at:
            events.append(TimelineEvent(claim.decided_at, _(
                "Claim for period %(number)s rejected", number=claim.period)
                if claim.status == ClaimStatus.REJECTED else _(
                "Claim for period %(number)s approved", number=claim.period)))
    for payment in disbursements:
        amount = f"{payment.amount:,.2f}"
        events.append(TimelineEvent(payment.executed_at, _(
            "Payment reversed: %(amount)s", amount=amount) if payment.reverses_id else _(
            "Payment executed: %(amount)s", amount=amount)))
    if grant.closed_at:
        events.append(TimelineEvent(grant.closed_at, _("Grant closed")))
    return sorted(events, key=lambda e: e.at)


def grant_records(grant: Grant, *, has_claims: bool = True, has_payments: bool = True,
                  ) -> tuple[list[ExpenseClaim], list[Disbursement]]:
    """`has_claims`, `has_payments`: False when the caller knows there are none (not read)."""
    claims = list(db.session.scalars(
        select(ExpenseClaim).where(ExpenseClaim.grant_id == grant.id)
        .order_by(ExpenseClaim.period, ExpenseClaim.id))) if has_claims else []
    disbursements = list(db.session.scalars(
        select(Disbursement).where(Disbursement.grant_id == grant.id)
        .options(selectinload(Disbursement.executed_by).lazyload(User.role_rows))
        .order_by(Disbursement.executed_at, Disbursement.id))) if has_payments else []
    if disbursements:
        # The grant's schedule, loaded once: each payment's installment is then found in it
        # (a selectinload would read the installments a second time for the page's schedule).
        grant.installments  # noqa: B018
    return claims, disbursements


# --- a funder's or a call's overview ------------------------------------------------------


@dataclass
class CallLine:
    call: Call
    grants: int
    committed: Decimal
    disbursed: Decimal


@dataclass
class CurrencyFigures:
    """A funder's money in one currency: amounts in different currencies are never added."""

    committed: Decimal = ZERO
    disbursed: Decimal = ZERO
    due_30: Decimal = ZERO
    due_90: Decimal = ZERO
    by_country: dict[str, Figures] = field(default_factory=dict)
    by_ict: dict[str, Figures] = field(default_factory=dict)

    @property
    def remaining(self) -> Decimal:
        return self.committed - self.disbursed


@dataclass
class Overview:
    """Per currency (ISO code -> figures, in order of the calls); calls and payments due."""

    currencies: dict[str, CurrencyFigures] = field(default_factory=dict)
    calls: list[CallLine] = field(default_factory=list)
    upcoming: Pagination | None = None  # a page of the installments due within 90 days (rows)
    choices: list[Call] = field(default_factory=list)  # the calls with a grant, to pick one
    call_id: int | None = None  # the call shown, if one of the choices; None: all of them

    def of(self, currency: str) -> CurrencyFigures:
        return self.currencies.setdefault(currency, CurrencyFigures())


def _amount(value: Decimal | None) -> Decimal:
    """SUM() of a Money column is Money again (Decimal), or None when nothing was summed."""
    return value if value is not None else ZERO


@lru_cache(maxsize=4)
def _overview_statements(admin: bool, one_call: bool) -> tuple[Select, Select, CompoundSelect]:
    """The overview's statements for one shape of scope (all grants or a funder's; all calls
    or one), built once per process rather than on every request (~2 ms): the funder, the
    call and the dates are bound parameters (funder_id, call_id, due_30, due_90)."""
    committed = Grant.status.in_(COMMITTED_GRANT_STATUSES)
    scope = committed
    if not admin:
        scope = scope & Grant.call_id.in_(
            select(Call.id).where(Call.funder_id == bindparam("funder_id")))
    if one_call:
        scope = scope & (Grant.call_id == bindparam("call_id"))
    # The calls with a grant (the page's choice of call) and, for their committed grants,
    # each call's line.
    calls = (select(Call, func.sum(case((committed, 1), else_=0)),
                    func.sum(case((committed, Grant.awarded_amount))),
                    func.sum(case((committed, Grant.disbursed_amount))))
             .join(Grant, Grant.call_id == Call.id)
             .where(true() if admin else Call.funder_id == bindparam("funder_id"))
             .options(load_only(Call.reference, Call.title, Call.currency))  # no JSON columns
             .group_by(Call.id).order_by(Call.reference))
    due = (scope & Installment.status.in_((InstallmentStatus.PAYABLE, InstallmentStatus.PLANNED))
           & (Installment.due_date <= bindparam("due_90")))
    due_amount = func.coalesce(Installment.payable_amount, Installment.planned_amount)
    # The installments due, as plain rows (no installments, grants and calls built).
    upcoming = (select(Installment.due_date, Installment.kind, Installment.status,
                       due_amount.label("amount"), Installment.grant_id, Grant.agreement_number,
                       Call.currency)
                .join(Grant, Installment.grant_id == Grant.id)
                .join(Call, Grant.call_id == Call.id)
                .where(due).order_by(Installment.due_date, Installment.id))
    within_30 = Installment.due_date <= bindparam("due_30")

    def due_sum(attribute: str, summed):
        return (select(literal("due"), literal(attribute), Call.currency, literal(""),
                       func.sum(summed))
                .select_from(Installment).join(Grant).join(Grant.call).where(due)
                .group_by(Call.currency))

    # The sums due and the four breakdowns in one statement: a UNION ALL of grouped sums,
    # each tagged with the table (due, by_country or by_ict) and the figure it adds to.
    def grouped(table: str, attribute: str, key, amount, *joins):
        query = select(literal(table), literal(attribute), Call.currency, key, func.sum(amount))
        query = query.select_from(amount.class_)
        for target in joins:  # a relationship, or (entity, ON clause)
            query = query.join(*target) if isinstance(target, tuple) else query.join(target)
        return query.join(Grant.call).where(scope).group_by(Call.currency, key)

    sums = union_all(
        grouped("by_country", "planned", Organisation.country, GrantBeneficiary.awarded_amount,
                GrantBeneficiary.organisation, GrantBeneficiary.grant),
        grouped("by_country", "paid", Organisation.country, DisbursementShare.amount,
                DisbursementShare.beneficiary, GrantBeneficiary.organisation,
                GrantBeneficiary.grant),
        grouped("by_ict", "planned", GrantPlanLine.ict_category, GrantPlanLine.amount,
                (Grant, GrantPlanLine.grant_id == Grant.id)),
        grouped("by_ict", "paid", DisbursementShare.ict_category, DisbursementShare.amount,
                DisbursementShare.beneficiary, GrantBeneficiary.grant),
        due_sum("due_90", due_amount),
        due_sum("due_30", case((within_30, due_amount))))
    return calls, upcoming, sums


def overview(*, by: User, call_id: int | None = None, today: date | None = None,
             page: int = 1) -> Overview:
    """Committed vs disbursed for the officer's funder (or one of its calls); admins see all.
    A call that is not one of those with a grant `by` may see shows them all (call_id None).

    Every total is grouped by the call's currency: EUR and other currencies never mix.
    """
    today = today or date.today()
    admin = is_admin(by)
    params = {"funder_id": by.funder_id, "call_id": call_id,
              "due_30": today + timedelta(days=30), "due_90": today + timedelta(days=90)}
    result = Overview()
    rows = db.session.execute(_overview_statements(admin, False)[0], params).all()
    result.choices = [row[0] for row in rows]
    result.call_id = call_id if call_id in {call.id for call in result.choices} else None
    for call, count, committed_amount, disbursed in rows:
        if not count or result.call_id not in (None, call.id):
            continue
        line = CallLine(call, count, _amount(committed_amount), _amount(disbursed))
        result.calls.append(line)
        result.of(call.currency).committed += line.committed
        result.of(call.currency).disbursed += line.disbursed
    _calls, upcoming, sums = _overview_statements(admin, result.call_id is not None)
    # A page of the installments due, with its total in the same statement; the sums cover
    # all of them, added up by the database.
    result.upcoming = paginate_totalled_rows(upcoming, page=page, per_page=UPCOMING_PER_PAGE,
                                             params=params)
    for table, attribute, currency, key, amount in db.session.execute(sums, params).all():
        figures = result.of(currency)
        if table == "due":
            setattr(figures, attribute, getattr(figures, attribute) + _amount(amount))
        else:
            _add(getattr(figures, table), key, attribute, _amount(amount))
    return result
