"""Amounts typed in the site's locale: "12,50" where German is written, "12.50" in English."""

from decimal import Decimal

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.accounts.models import Role
from app.applications.models import BudgetLineRow
from app.calls.models import Call
from app.grants.models import ExpenseClaim
from tests.conftest import csrf_token
from tests.factories.applications import form_of

D = Decimal
GERMAN_HINT = "Enter the amount in digits, e.g. 1.234,50 (a comma before the cents)."
ENGLISH_HINT = "Enter the amount in digits, e.g. 1,234.50 (a dot before the cents)."


def _in_german(message: str, **values) -> str:
    """The message as a German page shows it (translated when a German catalogue ships)."""
    with force_locale("de"):
        return gettext(message, **values)


@pytest.fixture
def german(app, monkeypatch):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "de")


def _participant_page(client, make_consortium, sign_in):
    consortium = make_consortium()
    sign_in(consortium.coordinator)
    own = consortium.participant_of(consortium.coordinator)
    url = f"/applications/{consortium.application.id}/participants/{own.id}"
    return own, url


def _add_line(client, url, amount):
    return client.post(f"{url}/lines", data={
        **form_of(client, url), "category": "C2", "ict_category": "other", "amount": amount,
        "description": "Servers"})


def _amounts(participant) -> list[Decimal]:
    from app.core.extensions import db

    return sorted(db.session.scalars(select(BudgetLineRow.amount).where(
        BudgetLineRow.participant_id == participant.id)).all())


def test_a_budget_line_takes_german_amounts_where_the_site_writes_german(
        client, german, make_consortium, sign_in):
    own, url = _participant_page(client, make_consortium, sign_in)
    assert _in_german("For example %(amount)s.", amount="1.234,50") in client.get(
        url).get_data(as_text=True)
    assert _add_line(client, url, "12,50").status_code == 302
    assert _add_line(client, url, "1.234,50").status_code == 302
    assert _amounts(own) == [D("12.50"), D("1234.50"), D("10000.00")]
    page = client.get(url).get_data(as_text=True)
    assert "1.234,50\xa0€" in page and "10.000,00\xa0€" in page
    line = next(row for row in own.budget_lines if row.amount == D("10000.00"))
    edit = f"/applications/{own.application_id}/lines/{line.id}"
    assert 'value="10.000,00"' in client.get(edit).get_data(as_text=True)


@pytest.mark.parametrize(("amount", "message"), [
    ("12.50", GERMAN_HINT),  # an English dot is not silently read as 1,250
    ("NaN", GERMAN_HINT),
    ("1e309", GERMAN_HINT),
    ("-3", "The amount cannot be negative."),
    ("0,001", "Use at most 2 decimals (cents)."),
    ("9" * 400, "That is too long for an amount (at most 40 characters)."),
])
def test_a_bad_german_amount_is_refused_next_to_its_field(client, german, make_consortium,
                                                          sign_in, amount, message):
    own, url = _participant_page(client, make_consortium, sign_in)
    page = _add_line(client, url, amount).get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    assert _amounts(own) == [D("10000.00")]


def test_english_amounts_still_work(client, make_consortium, sign_in):
    own, url = _participant_page(client, make_consortium, sign_in)
    assert "For example 1,234.50." in client.get(url).get_data(as_text=True)
    assert _add_line(client, url, "4,000.00").status_code == 302
    assert _add_line(client, url, "12.50").status_code == 302
    page = _add_line(client, url, "12,50").get_data(as_text=True)
    assert ENGLISH_HINT in page
    assert _amounts(own) == [D("12.50"), D("4000.00"), D("10000.00")]
    assert "€4,000.00" in client.get(url).get_data(as_text=True)


def _call_form(**changes):
    return {"reference": "ICT-2030-01", "kind": "grant", "title": "Broadband",
            "summary": "Vouchers.", "ict_categories": ["broadband"], "currency": "EUR",
            "default_funding_rate": "100", "indirect_rate": "25", "timezone": "Europe/Rome",
            "opens_at": "2030-03-01T09:00", "closes_at": "2030-05-01T17:00", **changes}


def test_the_call_editor_takes_german_amounts_and_refuses_nan_rates(
        client, german, make_user, make_funder, sign_in):
    from app.core.extensions import db

    sign_in(make_user(Role.programme_officer, funder_id=make_funder().id))
    token = csrf_token(client, "/calls/manage")
    page = client.post("/calls/new", data={
        **_call_form(budget_amount="1.000.000,00", max_per_proposal_amount="200.000",
                     profit_funding_rate="NaN"), "csrf_token": token}).get_data(as_text=True)
    assert 'id="profit_funding_rate-error"' in page and _in_german("Enter a number.") in page
    assert 'value="1.000.000,00"' in page  # the input is kept as typed
    response = client.post("/calls/new", data={
        **_call_form(budget_amount="1.000.000,00", max_per_proposal_amount="200.000"),
        "csrf_token": token})
    assert response.status_code == 302
    call = db.session.scalar(select(Call))
    assert (call.budget_amount, call.max_per_proposal_amount) == (D("1000000.00"),
                                                                  D("200000.00"))
    page = client.get(f"/calls/{call.reference}/edit").get_data(as_text=True)
    assert 'value="1.000.000,00"' in page and 'value="200.000,00"' in page


def test_a_claim_line_takes_a_german_amount(client, german, sign_in, make_grant):
    from app.core.extensions import db

    case = make_grant()
    sign_in(case.coordinator)
    new = f"/grants/{case.grant.id}/claims/new"
    client.post(new, data={"period": "1", "csrf_token": csrf_token(client, new)})
    claim = db.session.scalar(select(ExpenseClaim))
    page = f"/grants/claims/{claim.id}"
    client.post(f"{page}/lines", data={
        "beneficiary_id": case.grant.beneficiaries[1].id, "category": "C3",
        "ict_category": "cloud_software", "amount": "8.000,50", "description": "Licences",
        "csrf_token": csrf_token(client, page)})
    assert claim.claimed_amount == D("8000.50")


def test_an_amount_is_read_in_the_language_its_form_was_shown_in(client, make_consortium,
                                                                  sign_in, monkeypatch):
    from app.core import i18n

    monkeypatch.setattr(i18n, "shipped_languages", lambda: ("en", "de"))
    own, url = _participant_page(client, make_consortium, sign_in)

    def choose(language):
        client.post("/accounts/language", data={"language": language, "next": "/",
                                                "csrf_token": csrf_token(client, "/")})

    choose("de")
    shown_in_german = form_of(client, url)
    assert shown_in_german["amount-shown-in"] == "de"
    choose("en")  # in another tab, before the German form is sent
    response = client.post(f"{url}/lines", data={
        **shown_in_german, "category": "C2", "ict_category": "other", "amount": "150.000",
        "description": "Servers"})
    assert response.status_code == 302
    assert _amounts(own) == [D("10000.00"), D("150000.00")]  # not 150.00
    forged = client.post(f"{url}/lines", data={
        **form_of(client, url), "amount-shown-in": "xx_YY", "category": "C2",
        "ict_category": "other", "amount": "12,50", "description": "Servers"})
    assert ENGLISH_HINT in forged.get_data(as_text=True)  # an unknown locale is ignored
