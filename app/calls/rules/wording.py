"""Numbers, money and lists written into rule messages (pure; one place for every rules module)."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def count_noun(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def join_names(names: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def plain_number(number: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 60.000 -> "60", 0.50 -> "0.5"."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def money_text(amount: Decimal, currency: str) -> str:
    """Currency code first, comma thousands, 2 decimals: "EUR 500,000.00"."""
    return f"{currency} {amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def percent_text(rate: Decimal) -> str:
    """A rate (0.7) as a percentage for messages: "70 %"."""
    return f"{(rate * 100).normalize():f} %"
