"""SME size from staff headcount, turnover and balance sheet (pure; reference.md 4).

Commission Recommendation 2003/361/EC, Annex Art. 2: headcount is decisive, and a firm
meets the financial ceiling when its turnover OR its balance-sheet total is within it. The
figures are the organisation's own declaration for one closed year, partner and linked
enterprises already added as the Recommendation asks (Annex Art. 6); OpenCall does not
guess them, it records the note the organisation gives with them.
"""

from dataclasses import dataclass
from decimal import Decimal

MILLION = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class SizeClass:
    size: str
    label: str
    staff_below: int  # headcount strictly below
    turnover_at_most: Decimal  # EUR
    balance_sheet_at_most: Decimal  # EUR


# Smallest first: the first class whose ceilings a firm meets is its size.
SIZE_CLASSES = (
    SizeClass("micro", "Micro enterprise", 10, 2 * MILLION, 2 * MILLION),
    SizeClass("small", "Small enterprise", 50, 10 * MILLION, 10 * MILLION),
    SizeClass("medium", "Medium-sized enterprise", 250, 50 * MILLION, 43 * MILLION),
)
NOT_AN_SME = "not_sme"
SIZE_LABELS = {**{c.size: c.label for c in SIZE_CLASSES}, NOT_AN_SME: "Not an SME"}


@dataclass(frozen=True, slots=True)
class SmeAssessment:
    """The derived size ("micro", "small", "medium", "not_sme") or None without figures,
    and the sentence that says why."""

    size: str | None
    reason: str

    @property
    def is_sme(self) -> bool:
        return self.size in {c.size for c in SIZE_CLASSES}

    @property
    def label(self) -> str:
        return SIZE_LABELS[self.size] if self.size else "SME status not assessed"


def _eur(amount: Decimal) -> str:
    if amount % MILLION == 0:
        return f"EUR {amount / MILLION:,.0f} m"
    return f"EUR {amount:,.2f}"


def assess_sme(headcount: int | None, turnover: Decimal | None,
               balance_sheet: Decimal | None) -> SmeAssessment:
    """The SME size class the figures give; headcount and one financial figure are needed."""
    if headcount is None or (turnover is None and balance_sheet is None):
        return SmeAssessment(None, "Enter the staff headcount and the turnover or the "
                                   "balance-sheet total to have the SME status assessed.")
    if headcount < 0 or any(v is not None and v < 0 for v in (turnover, balance_sheet)):
        raise ValueError("Headcount, turnover and balance sheet cannot be negative.")
    for size_class in SIZE_CLASSES:
        if headcount >= size_class.staff_below:
            continue
        within = []
        if turnover is not None and turnover <= size_class.turnover_at_most:
            within.append(f"turnover {_eur(turnover)} ≤ {_eur(size_class.turnover_at_most)}")
        if balance_sheet is not None and balance_sheet <= size_class.balance_sheet_at_most:
            within.append(f"balance sheet {_eur(balance_sheet)} ≤ "
                          f"{_eur(size_class.balance_sheet_at_most)}")
        if within:
            return SmeAssessment(size_class.size, (
                f"{size_class.label}: {headcount} staff < {size_class.staff_below} and "
                f"{' and '.join(within)}."))
    medium = SIZE_CLASSES[-1]
    if headcount >= medium.staff_below:
        why = f"{headcount} staff, {medium.staff_below} or more"
    else:
        why = (f"turnover above {_eur(medium.turnover_at_most)} and balance sheet above "
               f"{_eur(medium.balance_sheet_at_most)} (or not given)")
    return SmeAssessment(NOT_AN_SME, f"Not an SME: {why}.")
