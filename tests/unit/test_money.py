"""Money typed and read in the user's locale (app/core/money.py) and the AmountField."""

import re
from decimal import Decimal

import pytest
from flask import Flask
from flask_babel import Babel
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms.validators import InputRequired, Optional

from app.core.forms import AmountField, FiniteDecimalField
from app.core.money import (
    MAX_INPUT_LENGTH,
    current_locale,
    format_amount,
    format_money,
    format_percent,
    parse_amount,
)

D = Decimal
NBSP, NNBSP = "\u00a0", "\u202f"

# The messages, exactly (escaped for pytest.raises(match=...)).
NOT_A_NUMBER_EN = re.escape("Enter the amount in digits, e.g. 1,234.50 (a dot before the cents).")
NOT_A_NUMBER_DE = re.escape("Enter the amount in digits, e.g. 1.234,50 (a comma before the cents).")
NOT_A_NUMBER_PL = re.escape(
    f"Enter the amount in digits, e.g. 1{NBSP}234,50 (a comma before the cents).")
NEGATIVE = re.escape("The amount cannot be negative.")
DECIMALS = re.escape("Use at most 2 decimals (cents).")
EMPTY = re.escape("Enter an amount.")
TOO_LONG = re.escape(f"That is too long for an amount (at most {MAX_INPUT_LENGTH} characters).")


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("12,50", "de", D("12.50")),
    ("1.234,50", "de", D("1234.50")),
    ("1.234", "de", D("1234.00")),  # the dot groups thousands in German
    ("1.000.000", "de", D("1000000.00")),
    ("1234,5", "de", D("1234.50")),
    (",50", "de", D("0.50")),
    ("12,50", "it", D("12.50")),
    ("1.234,50", "it", D("1234.50")),
    ("12,50", "sl", D("12.50")),
    ("1.234,50", "sl", D("1234.50")),
    ("1.234,50", "hr", D("1234.50")),
    ("12,50", "pl", D("12.50")),
    (f"1{NBSP}234,50", "pl", D("1234.50")),
    ("1 234,50", "pl", D("1234.50")),  # a plain space stands for the no-break space
    (f"1{NNBSP}234,50", "pl", D("1234.50")),
    ("12.50", "en", D("12.50")),
    ("1,234.50", "en", D("1234.50")),
    ("1,000,000", "en_GB", D("1000000.00")),
    ("1.500", "en", D("1.50")),  # trailing zeros are not cents
    ("0", "en", D("0.00")),
    ("  7 ", "en", D("7.00")),
    ("999999999999.99", "en", D("999999999999.99")),
])
def test_amounts_are_read_as_the_locale_writes_them(text, locale, expected):
    amount = parse_amount(text, locale)
    assert amount == expected and amount.as_tuple().exponent == -2  # always in cents


@pytest.mark.parametrize(("text", "locale", "message"), [
    ("12,5,0", "de", NOT_A_NUMBER_DE),
    ("12,5,0", "en", NOT_A_NUMBER_EN),
    ("12.50", "de", NOT_A_NUMBER_DE),  # a misplaced group separator is not guessed
    ("12,50", "en", NOT_A_NUMBER_EN),
    ("12,50", "en_GB", NOT_A_NUMBER_EN),
    ("1 234.50", "en", NOT_A_NUMBER_EN),
    ("12.50", "pl", NOT_A_NUMBER_PL),
    ("abc", "en", NOT_A_NUMBER_EN),
    ("abc", "it", NOT_A_NUMBER_DE),
    ("NaN", "en", NOT_A_NUMBER_EN),
    ("nan", "de", NOT_A_NUMBER_DE),
    ("sNaN", "en", NOT_A_NUMBER_EN),
    ("Infinity", "en", NOT_A_NUMBER_EN),
    ("Infinity", "sl", NOT_A_NUMBER_DE),
    ("inf", "hr", NOT_A_NUMBER_DE),
    ("1e309", "en", NOT_A_NUMBER_EN),
    ("1E5", "de", NOT_A_NUMBER_DE),
    ("+5", "en", NOT_A_NUMBER_EN),
    ("1_000", "en", NOT_A_NUMBER_EN),
    ("\u0661\u0662", "en", NOT_A_NUMBER_EN),  # Arabic-Indic digits, which Decimal() reads
    ("€12.50", "en", NOT_A_NUMBER_EN),
    (".", "en", NOT_A_NUMBER_EN),
    ("-3", "en", NEGATIVE),
    ("-3,50", "de", NEGATIVE),
    ("\u22123", "pl", NEGATIVE),
    ("-0", "en", NEGATIVE),
    ("1.234", "en", DECIMALS),
    ("1,234", "de", DECIMALS),
    ("0,001", "it", DECIMALS),
    ("", "en", EMPTY),
    ("   ", "de", EMPTY),
    ("9" * 400, "en", TOO_LONG),
    ("1" * (MAX_INPUT_LENGTH + 1), "de", TOO_LONG),
])
def test_unreadable_amounts_are_refused_with_a_message_for_the_field(text, locale, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        parse_amount(text, locale)


def test_the_longest_allowed_input_is_read_exactly():
    text = "9" * MAX_INPUT_LENGTH
    assert parse_amount(text, "en") == D(text)  # beyond the default 28-digit precision


def test_only_text_is_parsed():
    with pytest.raises(TypeError, match="Amounts are typed as text, not float"):
        parse_amount(12.5, "en")


@pytest.mark.parametrize(("amount", "locale", "expected"), [
    (D("1234.50"), "de", "1.234,50\xa0€"),
    (D("1234.5"), "en_GB", "€1,234.50"),
    ("1234.50", "it", "1.234,50\xa0€"),
    (D("1234.50"), "sl", "1.234,50\xa0€"),
    (D("1234.50"), "pl", "1\xa0234,50\xa0€"),
    (0, "en", "€0.00"),
])
def test_money_is_written_as_the_locale_writes_it(amount, locale, expected):
    assert format_money(amount, "EUR", locale) == expected


def test_money_keeps_its_cents_in_every_currency():
    assert format_money(D("99.90"), "HUF", "de") == "99,90\xa0HUF"  # CLDR: 0 digits for HUF
    assert format_money(D("1234.5"), "PLN", "pl") == "1\xa0234,50\xa0zł"


@pytest.mark.parametrize(("rate", "locale", "decimals", "expected"), [
    (D("0.25"), "en", 2, "25%"),
    (D("0.25"), "de", 2, "25\xa0%"),
    ("0.800000", "en", 2, "80%"),
    (D("0.842105"), "en", 2, "84.21%"),
    (D("0.842105"), "de", 2, "84,21\xa0%"),
    (D("0.842105"), "it", 0, "84%"),
    (D("0.3355"), "en", 1, "33.6%"),  # half up
    (1, "sl", 0, "100\xa0%"),
    (D("0"), "pl", 0, "0%"),
])
def test_percentages_are_written_as_the_locale_writes_them(rate, locale, decimals, expected):
    assert format_percent(rate, locale, decimals) == expected


@pytest.mark.parametrize(("value", "error", "message"), [
    (0.1, TypeError, "not float"),
    (True, TypeError, "not bool"),
    ("NaN", ValueError, "Not a finite number: 'NaN'"),
    ("abc", ValueError, "Not a number: 'abc'"),
])
def test_floats_and_non_numbers_are_never_formatted(value, error, message):
    with pytest.raises(error, match=message):
        format_money(value, "EUR", "en")
    with pytest.raises(error, match=message):
        format_percent(value, "en")


def test_amounts_go_back_into_forms_in_the_locale():
    assert format_amount(D("125000"), "de") == "125.000,00"
    assert format_amount("125000.00", "en") == "125,000.00"
    assert parse_amount(format_amount(D("125000"), "pl"), "pl") == D("125000.00")


@pytest.mark.parametrize(("config", "expected"), [({"BABEL_DEFAULT_LOCALE": "de"}, "de"),
                                                  ({"BABEL_DEFAULT_LOCALE": ""}, "en"), ({}, "en")])
def test_the_locale_comes_from_the_config_and_falls_back_to_english(config, expected):
    assert current_locale() == "en"  # outside any app
    app = Flask(__name__)
    app.config.update(config)
    with app.app_context():
        assert current_locale() == expected


# --- the form field ---------------------------------------------------------------------------


class _Form(Form):
    required = AmountField("Required", validators=[InputRequired()])
    optional = AmountField("Optional", validators=[Optional()])
    rate = FiniteDecimalField("Rate", validators=[Optional()])


def _app(locale: str) -> Flask:
    """A bare app with Flask-Babel, as the fields' messages are translated."""
    app = Flask(__name__)
    app.config["BABEL_DEFAULT_LOCALE"] = locale
    Babel(app)
    return app


def _form(locale: str, **data) -> _Form:
    app = _app(locale)
    with app.app_context():
        form = _Form(MultiDict(data))
        form.validate()
        return form


def test_the_field_reads_the_locale_and_gives_a_decimal():
    form = _form("de", required="1.234,50", optional="")
    assert (form.required.data, form.optional.data) == (D("1234.50"), None)
    assert form.errors == {}
    assert "For example 1.234,50." in form.required.description


def test_a_bad_amount_is_one_error_on_its_field_and_the_input_is_kept():
    form = _form("en", required="12,50", optional="NaN")
    assert form.required.errors == [
        "Enter the amount in digits, e.g. 1,234.50 (a dot before the cents)."]
    assert form.optional.errors == form.required.errors
    assert form.required.data is None and form.required._value() == "12,50"


def test_an_empty_required_amount_asks_for_one_but_zero_gets_through():
    assert _form("en", required="  ").required.errors == ["Enter an amount."]
    assert _form("en").required.errors == ["Enter an amount."]
    assert _form("en", required="0").required.data == D("0.00")


def test_the_field_shows_a_stored_amount_in_the_locale():
    with _app("de").app_context():
        form = _Form(data={"required": D("125000"), "optional": "500000.00"})
        assert form.required._value() == "125.000,00"
        assert form.optional._value() == "500.000,00"
        assert 'inputmode="decimal"' in form.required()


@pytest.mark.parametrize("text", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_a_rate_field_refuses_what_is_not_a_finite_number(text):
    form = _form("en", required="1", rate=text)
    assert form.rate.errors == ["Enter a number."] and form.rate.data is None
