"""Money and percentages as people type and read them, in their locale (babel).

`parse_amount` is the one reader of amounts typed by users; `format_money` and
`format_percent` are the one writers. The bounds of a call's money (MAX_AMOUNT...) live in
app/calls/rules/finance.py, which pure code uses on Decimals.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)
from babel.numbers import format_percent as babel_format_percent
from flask import current_app, has_app_context

DEFAULT_LOCALE = "en"
CENT = Decimal("0.01")
# Longer than any amount written with separators ("999.999.999.999,99" has 18); checked
# before parsing, so a pasted megabyte of digits costs nothing.
MAX_INPUT_LENGTH = 40
# Kinds of space people (and browsers) use between thousands: " 1 234,50" in pl or fr.
_SPACES = frozenset(" \u00a0\u202f\u2009")
_MINUS_SIGNS = ("-", "\u2212")
_SEPARATOR_NAMES = {".": "a dot", ",": "a comma"}


def current_locale() -> str:
    """The locale numbers are read and written in: the page's language in a request
    (app/core/i18n.py), else the deployment's BABEL_DEFAULT_LOCALE, else "en". A job's
    `force_locale` block (a receipt PDF or an e-mail in its reader's language) is followed
    too: Flask-Babel keeps it on the app context, so its amounts and dates match its words."""
    if has_app_context() and "babel" in current_app.extensions:
        from app.core.i18n import page_locale

        return page_locale()
    if has_app_context():
        return current_app.config.get("BABEL_DEFAULT_LOCALE") or DEFAULT_LOCALE
    return DEFAULT_LOCALE


def amount_example(locale: Locale | str | None = None) -> str:
    """1234.50 written the way the locale writes it: "1,234.50" in en, "1.234,50" in de."""
    return format_decimal(Decimal("1234.50"), format="#,##0.00", locale=locale or current_locale())


def format_amount(amount: Decimal | int | str, locale: Locale | str | None = None) -> str:
    """An amount in cents without currency, as typed back into a form ("1.234,50" in de)."""
    return format_decimal(_decimal(amount), format="#,##0.00", locale=locale or current_locale())


def not_a_number_message(locale: Locale | str) -> str:
    decimal = get_decimal_symbol(locale)
    name = _SEPARATOR_NAMES.get(decimal, f"“{decimal}”")
    return f"Enter the amount in digits, e.g. {amount_example(locale)} ({name} before the cents)."


def parse_amount(text: str, locale: Locale | str) -> Decimal:
    """An amount typed by a user, read the way `locale` writes numbers, as Decimal cents.

    "12,50" and "1.234,50" in de, it, sl, hr; "1 234,50" in pl; "12.50" and "1,234.50" in en.
    Separators in the wrong places ("12,50" in en, "12.50" in de) are refused rather than
    guessed. Also refused, with a message written for a form field: empty input, anything
    that is not plain digits and the locale's separators (NaN, Infinity, 1e309, +5, other
    scripts' digits), negative amounts, more than 2 decimals, and input too long to be money.
    No upper bound: callers apply the bounds of their own amounts.
    """
    if not isinstance(text, str):
        raise TypeError(f"Amounts are typed as text, not {type(text).__name__}.")
    if len(text) > MAX_INPUT_LENGTH:
        raise ValueError(f"That is too long for an amount (at most {MAX_INPUT_LENGTH} characters).")
    text = text.strip()
    if not text:
        raise ValueError("Enter an amount.")
    if text.startswith(_MINUS_SIGNS):
        raise ValueError("The amount cannot be negative.")
    locale = Locale.parse(locale)
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    if group in _SPACES:  # any kind of space typed stands for the locale's own
        text = "".join(group if char in _SPACES else char for char in text)
    allowed = set("0123456789") | {group, decimal}
    if not set(text) <= allowed or not any(char.isdigit() for char in text):
        raise ValueError(not_a_number_message(locale))
    try:
        number = parse_decimal(text, locale, strict=True)
    except (NumberFormatError, InvalidOperation):
        raise ValueError(not_a_number_message(locale)) from None
    with localcontext() as context:
        context.prec = MAX_INPUT_LENGTH + 10  # every digit that passed the length check
        if not number.is_finite():
            raise ValueError(not_a_number_message(locale))
        if number != number.quantize(CENT):
            raise ValueError("Use at most 2 decimals (cents).")
        return number.quantize(CENT)


def format_money(amount: Decimal | int | str, currency: str = "EUR",
                 locale: Locale | str | None = None) -> str:
    """"€1,234.50" in en, "1.234,50 €" in de; always with the cents, which the app keeps in
    every currency (CLDR would round HUF to whole forints and hide them)."""
    return _formatted_money(_decimal(amount), currency, str(locale or current_locale()))


# Babel builds the same pattern, currency symbol and rounding for every amount it formats (a
# list page shows a hundred): an amount's text is a pure function of these three, kept here.
@lru_cache(maxsize=4096)
def _formatted_money(amount: Decimal, currency: str, locale: str) -> str:
    return format_currency(amount, currency, locale=locale, currency_digits=False)


def format_percent(rate: Decimal | int | str, locale: Locale | str | None = None,
                   decimals: int = 2) -> str:
    """A rate given as a fraction (0.25) as a percentage: "25%" in en, "25 %" in de.

    At most `decimals` decimals of the percentage, without trailing zeros (0.842105 is
    "84.21%", 0.8 is "80%").
    """
    return _formatted_percent(_decimal(rate), str(locale or current_locale()), decimals)


# As amounts: a rate's text is a pure function of these three, and a page shows many.
@lru_cache(maxsize=1024)
def _formatted_percent(rate: Decimal, locale: str, decimals: int) -> str:
    places = Decimal(1).scaleb(-(decimals + 2))
    value = rate.quantize(places, rounding=ROUND_HALF_UP).normalize()
    return babel_format_percent(value, locale=locale, decimal_quantization=False)


def _decimal(value: Decimal | int | str) -> Decimal:
    """A finite Decimal from a Decimal, an int or canonical text ("0.25"); never a float."""
    if isinstance(value, bool | float) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"Money and rates are Decimal, int or str, not {type(value).__name__}.")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"Not a number: {value!r}.") from None
    if not number.is_finite():
        raise ValueError(f"Not a finite number: {value!r}.")
    return number
