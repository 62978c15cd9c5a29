"""Where each beneficiary of a grant stands: its rate, share, paid and committed money.

Callers hold the grant's row lock (permissions.get_grant(for_update=True)) while they read
these figures and act on them, so a claim decision and a payment never price on stale totals.
"""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.calls.rules.finance import FundingRates, funding_rate_for
from app.core.errors import Conflict
from app.core.extensions import db
from app.grants.models import (
    ExpenseClaim,
    Grant,
    GrantBeneficiary,
    GrantPlanLine,
    Installment,
)
from app.grants.rules.lifecycle import ClaimStatus, InstallmentStatus
from app.grants.rules.payments import ZERO, OverpaymentError, split_between_beneficiaries
from app.grants.rules.shares import (
    BeneficiaryPosition,
    check_beneficiary_payment,
    officer_cuts,
)
from app.grants.services.budgets import plan_budget_by_category

SETTLED = (ClaimStatus.APPROVED, ClaimStatus.PAID)


def rate_for(grant_call, organisation) -> Decimal:
    """The call's funding rate for the organisation's kind (reference.md §3)."""
    return funding_rate_for(organisation.org_type or "",
                            FundingRates.from_dict(grant_call.funding_rates or {}))


def _awarded(grant: Grant) -> dict[str, Decimal]:
    return {str(b.id): b.awarded_amount for b in grant.beneficiaries}


def installment_parts(grant: Grant, installment: Installment) -> dict[str, Decimal]:
    """Beneficiary -> its part of the installment's amount.

    A claim's installment pays what the claim's assessment owes each beneficiary; the
    pre-financing (and a claim stored before per-beneficiary assessment) is split by the
    awarded shares.
    """
    amount = installment.amount
    if installment.claim_id is not None:
        claim = db.session.get(ExpenseClaim, installment.claim_id)
        by_beneficiary = (claim.assessment or {}).get("by_beneficiary") if claim else None
        if by_beneficiary:
            parts = {key: Decimal(a["payable"]) for key, a in by_beneficiary.items()}
            if sum(parts.values(), ZERO) == amount:
                return {key: part for key, part in parts.items() if part}
    if not amount:
        return {}
    return {k: v for k, v in split_between_beneficiaries(amount, _awarded(grant)).items() if v}


def committed_by_beneficiary(grant: Grant) -> dict[str, Decimal]:
    """Beneficiary -> money promised by payable, not yet paid installments."""
    committed: dict[str, Decimal] = {}
    payable = db.session.scalars(select(Installment).where(
        Installment.grant_id == grant.id, Installment.status == InstallmentStatus.PAYABLE))
    for installment in payable:
        for key, part in installment_parts(grant, installment).items():
            committed[key] = committed.get(key, ZERO) + part
    return committed


def positions(grant: Grant, *, excluding_claim_id: int | None = None
              ) -> dict[str, BeneficiaryPosition]:
    """Each beneficiary's position before a claim: rate, share, paid, retention, history."""
    beneficiaries = list(db.session.scalars(select(GrantBeneficiary).where(
        GrantBeneficiary.grant_id == grant.id).order_by(GrantBeneficiary.id)
        .execution_options(populate_existing=True)))
    committed = committed_by_beneficiary(grant)
    prefinancing = min(grant.installments, key=lambda i: i.sequence)
    awarded = {str(b.id): b.awarded_amount for b in beneficiaries}
    retention = split_between_beneficiaries(prefinancing.retention_amount, awarded) \
        if prefinancing.retention_amount else {}
    accepted: dict[str, dict[str, Decimal]] = {}
    cut: dict[str, Decimal] = {}
    earlier = db.session.scalars(select(ExpenseClaim.assessment).where(
        ExpenseClaim.grant_id == grant.id, ExpenseClaim.id != (excluding_claim_id or 0),
        ExpenseClaim.status.in_(SETTLED)))
    for assessment in earlier:
        for key, own in (assessment or {}).get("by_beneficiary", {}).items():
            totals = accepted.setdefault(key, {})
            for code, amount in own.get("accepted_by_category", {}).items():
                totals[code] = totals.get(code, ZERO) + Decimal(amount)
            cut[key] = cut.get(key, ZERO) + officer_cuts(own)
    lines = list(db.session.scalars(select(GrantPlanLine).where(
        GrantPlanLine.grant_id == grant.id)))
    result = {}
    for beneficiary in beneficiaries:
        key = str(beneficiary.id)
        own_lines = [line for line in lines if line.beneficiary_id == beneficiary.id]
        result[key] = BeneficiaryPosition(
            rate=Decimal(beneficiary.funding_rate), awarded=beneficiary.awarded_amount,
            paid=beneficiary.disbursed_amount + committed.get(key, ZERO),
            retention=retention.get(key, ZERO),
            budget_by_category=plan_budget_by_category(grant, own_lines),
            accepted_before=accepted.get(key, {}), cut_before=cut.get(key, ZERO))
    return result


def book_parts(grant: Grant, parts: dict[str, Decimal]) -> None:
    """Add each part (negative for a reversal) to its beneficiary's paid total, within its share.

    The first check gives the officer a clear message; the conditional UPDATE is the guard
    on SQLite and the CHECK constraint the last line on every database.
    """
    by_key = {str(b.id): b for b in grant.beneficiaries}
    for key, part in parts.items():
        beneficiary = by_key[key]
        db.session.refresh(beneficiary)
        try:
            check_beneficiary_payment(beneficiary.organisation.name, beneficiary.awarded_amount,
                                      beneficiary.disbursed_amount, part)
        except OverpaymentError as error:
            raise Conflict(str(error)) from None
        column = GrantBeneficiary.disbursed_amount
        statement = update(GrantBeneficiary).where(
            GrantBeneficiary.id == int(key), column + part >= 0,
            column + part <= GrantBeneficiary.awarded_amount).values(disbursed_amount=column + part)
        if db.session.execute(statement.execution_options(synchronize_session=False)
                              ).rowcount != 1:
            raise Conflict(_("The paid total of %(organisation)s changed meanwhile; nothing was "
                             "paid. Reload the page.", organisation=beneficiary.organisation.name))
        db.session.expire(beneficiary)
