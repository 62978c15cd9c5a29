"""Numbers, money and lists written into rule messages (pure; one place for every rules module)."""

from decimal import ROUND_HALF_UP, Decimal

from app.core.rules.messages import Amount, NameList, Percent

CENT = Decimal("0.01")


def count_noun(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def join_names(names: list[str]) -> NameList:
    """"A", "A and B", "A, B and C" (in the reader's language at the edge)."""
    return NameList(names)


def plain_number(number: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 60.000 -> "60", 0.50 -> "0.5"."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def money_text(amount: Decimal, currency: str) -> Amount:
    """Currency code first, comma thousands, 2 decimals: "EUR 500,000.00" (the English; the
    edge writes it as the reader's language does)."""
    return Amount(amount, currency,
                  f"{currency} {amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}")


def percent_text(rate: Decimal) -> Percent:
    """A rate (0.7) as a percentage for messages: "70 %"."""
    return Percent(rate, f"{(rate * 100).normalize():f} %")
