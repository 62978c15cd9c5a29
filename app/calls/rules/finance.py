"""What a call defines about money: cost and ICT categories, funding rates, payment model,
and the bounds of an amount (pure; reference.md §3)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from app.calls.rules.wording import percent_text
from app.core.rules.messages import N_, Message

CENT = Decimal("0.01")
# Far above any grant, far below the Money column's BigInteger cents limit (9.2e16).
MAX_AMOUNT = Decimal("999999999999.99")
DEFAULT_INDIRECT_RATE = Decimal("0.25")
# Indirect costs (category E) are computed from the direct ones and never entered.
INDIRECT_CATEGORY = "E"


class CostCategory(StrEnum):
    """Horizon Europe direct cost categories (reference.md 3)."""

    PERSONNEL = "A"
    SUBCONTRACTING = "B"
    TRAVEL = "C1"
    EQUIPMENT = "C2"
    OTHER_GOODS_WORKS_SERVICES = "C3"
    OTHER_DIRECT = "D"

    @property
    def label(self) -> str:
        return COST_CATEGORY_LABELS[self]


COST_CATEGORY_LABELS: dict[str, str] = {
    CostCategory.PERSONNEL: "A. Personnel costs",
    CostCategory.SUBCONTRACTING: "B. Subcontracting costs",
    CostCategory.TRAVEL: "C.1 Travel and subsistence",
    CostCategory.EQUIPMENT: "C.2 Equipment",
    CostCategory.OTHER_GOODS_WORKS_SERVICES: "C.3 Other goods, works and services",
    CostCategory.OTHER_DIRECT: "D. Other cost categories",
    INDIRECT_CATEGORY: "E. Indirect costs",
}


class ICTCategory(StrEnum):
    """ICT solution a budget line pays for (the seed call's categories)."""

    BROADBAND = "broadband"
    ONLINE_COMMUNICATION = "online_communication"
    WEB_CONTENT_MANAGEMENT = "web_content_management"
    E_COMMERCE = "e_commerce"
    CLOUD_SOFTWARE = "cloud_software"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ICT_CATEGORY_LABELS[self]


ICT_CATEGORY_LABELS: dict[str, str] = {
    ICTCategory.BROADBAND: "Broadband connectivity",
    ICTCategory.ONLINE_COMMUNICATION: "Online communication and collaboration",
    ICTCategory.WEB_CONTENT_MANAGEMENT: "Web content management",
    ICTCategory.E_COMMERCE: "E-commerce",
    ICTCategory.CLOUD_SOFTWARE: "Cloud software and services",
    ICTCategory.OTHER: "Other ICT solutions",
}


def to_cents(value: Decimal) -> Decimal:
    """Round to cents, half-up (0.005 -> 0.01)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# Plain digits, or digits grouped by commas in threes; an optional dot and decimals.
_AMOUNT_PATTERN = re.compile(r"(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?")


def validate_amount(value: str | Decimal | int) -> Decimal:
    """Parse a money amount typed by a user (or given as Decimal/int) into cents.

    The dot is the only decimal separator; a comma may only group thousands
    ("12500.50" and "12,500.50" are accepted). "12 500,50" and "12,50" are refused
    rather than guessed, because "12,500" means 12.5 in half of Europe. Trailing
    zeros are fine ("1.500" is 1.50); a value that needs more than cents is refused.
    Messages are written for a form field.
    """
    if isinstance(value, bool | float) or not isinstance(value, str | Decimal | int):
        raise TypeError(f"Amounts are str, Decimal or int, not {type(value).__name__}.")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError(Message(N_("Enter an amount.")))
        if text.startswith("-"):
            raise ValueError(Message(N_("The amount cannot be negative.")))
        if not _AMOUNT_PATTERN.fullmatch(text):
            raise ValueError(Message(N_(
                "Enter the amount in digits with a dot for cents, e.g. 12500.50 or 12,500.50.")))
        number = Decimal(text.replace(",", ""))
    else:
        number = Decimal(value)
        if not number.is_finite():
            raise ValueError(Message(N_("Enter a finite amount.")))
        if number < 0:
            raise ValueError(Message(N_("The amount cannot be negative.")))
    if number > MAX_AMOUNT:
        raise ValueError(Message(N_("The amount cannot exceed %(limit)s."),
                                 limit=f"{MAX_AMOUNT:,}"))
    if number != number.quantize(CENT):
        raise ValueError(Message(N_("Use at most 2 decimals (cents).")))
    return abs(number.quantize(CENT))  # negatives are refused above; abs() turns -0 into 0


def validate_rate(value: Decimal | str | int, name: str) -> Decimal:
    """A rate between 0 and 1 (floats refused: 0.7 is not exactly 0.7)."""
    if isinstance(value, bool | float) or not isinstance(value, str | Decimal | int):
        raise TypeError(f"{name} must be a Decimal, str or int, not {type(value).__name__}.")
    try:
        rate = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{name} must be a number between 0 and 1, not {value!r}.") from None
    if not rate.is_finite() or not Decimal(0) <= rate <= 1:
        raise ValueError(f"{name} must be between 0 and 1, not {value}.")
    return rate


@dataclass(frozen=True, slots=True)
class FundingRates:
    """A call's funding rates: a default plus overrides per organisation type (PRC, HES...)."""

    default: Decimal = Decimal("1")
    by_org_type: Mapping[str, Decimal] | tuple[tuple[str, Decimal], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "default", validate_rate(self.default, "The default funding rate"))
        pairs = (
            self.by_org_type.items() if isinstance(self.by_org_type, Mapping) else self.by_org_type
        )
        # Stored as sorted pairs so the dataclass stays hashable and its repr stable.
        normalised = tuple(
            sorted(
                (org_type.strip().upper(), validate_rate(rate, f"The funding rate for {org_type}"))
                for org_type, rate in pairs
            )
        )
        object.__setattr__(self, "by_org_type", normalised)

    def to_dict(self) -> dict:
        """JSON-friendly form, e.g. {"default": "1", "by_org_type": {"PRC": "0.70"}}."""
        return {
            "default": str(self.default),
            "by_org_type": {org_type: str(rate) for org_type, rate in self.by_org_type},
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "FundingRates":
        return cls(data.get("default", "1"), dict(data.get("by_org_type", {})))


RESEARCH_ACTION_RATES = FundingRates()
# Innovation Actions fund profit-making entities at 70 %, non-profits stay at 100 %.
INNOVATION_ACTION_RATES = FundingRates(Decimal("1"), {"PRC": Decimal("0.70")})


def funding_rate_for(org_type: str, rates: FundingRates) -> Decimal:
    """The rate for an organisation type, else the call's default rate."""
    return dict(rates.by_org_type).get(org_type.strip().upper(), rates.default)


def plain_data(value: object) -> object:
    """JSON-friendly copy: Decimals and enums as strings, dates in ISO format."""
    if isinstance(value, dict):
        return {str(key): plain_data(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [plain_data(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | StrEnum):
        return str(value)
    if hasattr(value, "__dataclass_fields__"):
        return {field.name: plain_data(getattr(value, field.name)) for field in fields(value)}
    return value


@dataclass(frozen=True, slots=True)
class PaymentModel:
    """How a grant is paid, as fractions of the awarded grant (reference.md 3).

    Pre-financing is paid at signature less the retention (the guarantee-fund
    contribution), which is released with the final payment. Pre-financing (counted
    gross, retention included) plus interim payments stay within `ceiling_rate`.
    Without `interim_rates`, the interim payments share what the ceiling leaves equally.
    """

    prefinancing_rate: Decimal = Decimal("0.40")
    retention_rate: Decimal = Decimal("0.05")
    interim_count: int = 0
    interim_rates: tuple[Decimal, ...] = ()
    ceiling_rate: Decimal = Decimal("0.90")

    def __post_init__(self) -> None:
        for name, label in (
            ("prefinancing_rate", "The pre-financing rate"),
            ("retention_rate", "The retention rate"),
            ("ceiling_rate", "The ceiling rate"),
        ):
            object.__setattr__(self, name, validate_rate(getattr(self, name), label))
        rates = tuple(validate_rate(r, "An interim payment rate") for r in self.interim_rates)
        object.__setattr__(self, "interim_rates", rates)
        count = self.interim_count
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"The number of interim payments must be 0 or more, not {count!r}.")
        prefinancing, ceiling = self.prefinancing_rate, self.ceiling_rate
        if self.retention_rate > prefinancing:
            raise ValueError(
                f"The retention ({percent_text(self.retention_rate)}) is withheld from the"
                f" pre-financing, so the pre-financing ({percent_text(prefinancing)})"
                " cannot be lower."
            )
        if prefinancing > ceiling:
            raise ValueError(
                f"The pre-financing ({percent_text(prefinancing)}) exceeds the ceiling of"
                f" {percent_text(ceiling)} on pre-financing plus interim payments."
            )
        if rates and len(rates) != count:
            raise ValueError(f"Give {count} interim payment rates, not {len(rates)}.")
        if (planned := prefinancing + sum(rates)) > ceiling:
            raise ValueError(
                f"Pre-financing and interim payments add up to {percent_text(planned)},"
                f" above the ceiling of {percent_text(ceiling)}."
            )
        if count and not rates and prefinancing == ceiling:
            raise ValueError("The pre-financing reaches the ceiling: no room for interim payments.")

    def to_dict(self) -> dict:
        return plain_data(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> "PaymentModel":
        if unknown := sorted(set(data) - {field.name for field in fields(cls)}):
            raise ValueError(f"Unknown payment model settings: {', '.join(unknown)}.")
        return cls(**{**data, "interim_rates": tuple(data.get("interim_rates", ()))})
