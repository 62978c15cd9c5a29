"""Which beneficiary and ICT category each paid cent belongs to, for tracking and reports (pure)."""

from collections.abc import Mapping
from decimal import Decimal

from app.grants.rules.payments import split_between_beneficiaries

# Where money goes when a beneficiary has no ICT category to weigh by.
UNPLANNED_ICT = "other"


def allocate_payment(
    amount: Decimal,
    beneficiary_weights: Mapping[str, Decimal],
    ict_weights: Mapping[str, Mapping[str, Decimal]],
) -> dict[tuple[str, str], Decimal]:
    """Split a payment between beneficiaries, then each part between its ICT categories.

    Both splits use largest remainders in cents, so the parts add up exactly to
    `amount`. A beneficiary without positive ICT weights books its part to "other".
    Zero parts are left out. Keys are (beneficiary, ict_category).
    """
    by_beneficiary = split_between_beneficiaries(amount, beneficiary_weights)
    parts: dict[tuple[str, str], Decimal] = {}
    for beneficiary, part in by_beneficiary.items():
        if not part:
            continue
        weights = {code: w for code, w in ict_weights.get(beneficiary, {}).items() if w > 0}
        if not weights:
            parts[(beneficiary, UNPLANNED_ICT)] = part
            continue
        for code, ict_part in split_between_beneficiaries(part, weights).items():
            if ict_part:
                parts[(beneficiary, code)] = ict_part
    return parts


def reverse_allocation(parts: Mapping[tuple[str, str], Decimal]) -> dict[tuple[str, str], Decimal]:
    """The parts of a reversal: each original part with the opposite sign."""
    return {key: -amount for key, amount in parts.items()}
