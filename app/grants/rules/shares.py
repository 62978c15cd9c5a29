"""Each beneficiary's own rate and ceiling: claims assessed and payments split per beneficiary.

A grant is a sum of shares. Every beneficiary earns its own accepted costs at its own
funding rate (reference.md §3: 100 % non-profit, 70 % profit-making in innovation actions),
within its own category budget, its own pre-financing + interim ceiling and its own awarded
share; the claim's payable is the sum of what each beneficiary is owed. A cut made by the
finance officer stays cut: the final balance subtracts it again (pure).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from app.grants.rules.payments import (
    ZERO,
    ClaimAssessment,
    CutReason,
    OverpaymentError,
    claim_payable,
    split_between_beneficiaries,
)


@dataclass(frozen=True, slots=True)
class BeneficiaryPosition:
    """Where one beneficiary stands before a claim; amounts in cents.

    `paid` is cash paid or committed (payable installments); `retention` its part of the
    pre-financing retention; `accepted_before` and `cut_before` come from its earlier
    settled claims (accepted costs by category; officer cuts of its contribution).
    """

    rate: Decimal
    awarded: Decimal
    paid: Decimal = ZERO
    retention: Decimal = ZERO
    budget_by_category: Mapping[str, Decimal] = field(default_factory=dict)
    accepted_before: Mapping[str, Decimal] = field(default_factory=dict)
    cut_before: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class SplitAssessment:
    """A claim assessed per beneficiary; `payable` and `recovery` are the sums of theirs."""

    by_beneficiary: dict[str, ClaimAssessment]
    payable: Decimal
    computed_payable: Decimal
    recovery: Decimal
    accepted_costs: Decimal

    def parts(self) -> dict[str, Decimal]:
        """Beneficiary -> the cash its part of this claim pays (zero parts left out)."""
        return {key: a.payable for key, a in self.by_beneficiary.items() if a.payable}

    def to_dict(self) -> dict:
        """The claim's summary (the keys of ClaimAssessment) plus each beneficiary's own."""
        merged_claimed: dict[str, Decimal] = {}
        merged_accepted: dict[str, Decimal] = {}
        cuts: list[dict] = []
        for key, assessment in self.by_beneficiary.items():
            for code, amount in assessment.claimed_by_category.items():
                merged_claimed[code] = merged_claimed.get(code, ZERO) + amount
            for code, amount in assessment.accepted_by_category.items():
                merged_accepted[code] = merged_accepted.get(code, ZERO) + amount
            cuts += [{**cut.to_dict(), "beneficiary": key} for cut in assessment.cuts]
        released = sum((a.retention_released for a in self.by_beneficiary.values()), ZERO)
        contribution = sum((a.contribution for a in self.by_beneficiary.values()), ZERO)
        finals = [a.final_grant for a in self.by_beneficiary.values()]
        return {
            "is_final": any(a.is_final for a in self.by_beneficiary.values()),
            "claimed_by_category": {c: str(a) for c, a in merged_claimed.items()},
            "accepted_by_category": {c: str(a) for c, a in merged_accepted.items()},
            "accepted_costs": str(self.accepted_costs),
            "contribution": str(contribution),
            "computed_payable": str(self.computed_payable),
            "payable": str(self.payable),
            "final_grant": (str(sum(finals, ZERO)) if finals and None not in finals else None),
            "retention_released": str(released),
            "recovery": str(self.recovery),
            "cuts": cuts,
            "by_beneficiary": {key: a.to_dict() for key, a in self.by_beneficiary.items()},
        }


def assess_by_beneficiary(
    claimed: Mapping[str, Mapping[str, Decimal]],
    positions: Mapping[str, BeneficiaryPosition],
    *,
    is_final: bool,
    ceiling_rate: Decimal,
    indirect_rate: Decimal | None,
    officer_amount: Decimal | None = None,
    officer_reason: str = "",
) -> SplitAssessment:
    """Assess a claim (beneficiary -> category -> costs) one beneficiary at a time.

    Interim claims look at the beneficiaries that claimed; the final claim settles every
    beneficiary (one that claimed nothing more may owe back what it was paid). An officer
    paying less splits the total in proportion to what each was computed to get, so no
    part exceeds its own computed amount.
    """
    unknown = set(claimed) - set(positions)
    if unknown:
        raise ValueError(f"Costs were claimed outside the grant's beneficiaries: {sorted(unknown)}")
    keys = list(positions) if is_final else [k for k in positions if k in claimed]

    def assess(key: str, officer: Decimal | None) -> ClaimAssessment:
        position = positions[key]
        return claim_payable(
            claimed.get(key, {}), position.budget_by_category, position.accepted_before,
            position.rate, awarded=position.awarded, already_paid=position.paid,
            is_final=is_final, ceiling_rate=ceiling_rate, retention_withheld=position.retention,
            indirect_rate=indirect_rate, cut_before=position.cut_before,
            officer_amount=officer, officer_reason=officer_reason)

    computed = {key: assess(key, None) for key in keys}
    computed_total = sum((a.payable for a in computed.values()), ZERO)
    result = computed
    if officer_amount is not None:
        if officer_amount > computed_total:
            raise ValueError(
                f"The accepted amount cannot exceed the computed {computed_total:,.2f}.")
        if officer_amount < computed_total:
            weights = {key: a.payable for key, a in computed.items()}
            parts = split_between_beneficiaries(officer_amount, weights)
            result = {key: assess(key, parts[key]) if weights[key] else computed[key]
                      for key in keys}
    return SplitAssessment(
        by_beneficiary=result,
        payable=sum((a.payable for a in result.values()), ZERO),
        computed_payable=computed_total,
        recovery=sum((a.recovery for a in result.values()), ZERO),
        accepted_costs=sum((a.accepted_costs for a in result.values()), ZERO),
    )


def officer_cuts(assessment: Mapping) -> Decimal:
    """What a stored beneficiary assessment (ClaimAssessment.to_dict()) cut by decision."""
    return sum((Decimal(cut["amount"]) for cut in assessment.get("cuts", ())
                if cut.get("reason") == CutReason.OFFICER_DECISION), ZERO)


def check_beneficiary_payment(name: str, awarded: Decimal, paid: Decimal, part: Decimal) -> None:
    """Refuse a part that would take a beneficiary's payments above its awarded share."""
    if paid + part > awarded:
        raise OverpaymentError(
            f"Paying {part:,.2f} to {name} would bring its payments to {paid + part:,.2f}, above"
            f" its awarded share of {awarded:,.2f}; at most {max(awarded - paid, ZERO):,.2f}"
            " can still be paid to it.")

