"""State aid: de minimis headroom of a single undertaking (pure; reference.md §3)."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from app.calls.rules.finance import validate_amount

DE_MINIMIS_CEILING = Decimal("300000")
DE_MINIMIS_YEARS = 3


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def de_minimis_headroom(
    previous_aid: Sequence[tuple[date, Decimal]],
    on: date,
    ceiling: Decimal = DE_MINIMIS_CEILING,
) -> Decimal:
    """De minimis aid still grantable on `on` (Regulation (EU) 2023/2831, rolling 3 years).

    Aid counts when granted after the same day three years earlier (29 February ->
    28 February) and on or before `on`; aid dated later has not been granted yet on
    `on`. Never negative; in cents.
    """
    window_start = _years_before(on, DE_MINIMIS_YEARS)
    counted = Decimal("0.00")
    for granted_on, amount in previous_aid:
        amount = validate_amount(amount)
        if window_start < granted_on <= on:
            counted += amount
    return max(validate_amount(ceiling) - counted, Decimal("0.00"))
