"""De minimis is a call setting (issue 12, item 3: "for calls granted under de minimis"): set
in the call editor, said on the call page and in the call document, copied into every grant
the call makes, and exported with the call's definition."""

import io
import json
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import Role
from app.calls.models import Call
from app.calls.services.calls import export_definition, import_definition
from app.core.database import utcnow
from app.core.errors import DomainError
from app.core.extensions import db
from tests.conftest import csrf_token

SAID = "granted under de minimis aid, regulation (eu) 2023/2831"


def _call_form(**changes) -> dict:
    now = utcnow()
    return {
        "reference": "ICT-2031-01", "kind": "grant", "title": "Web shops for small firms",
        "summary": "Vouchers for web shops.", "currency": "EUR", "budget_amount": "1000000.00",
        "max_per_proposal_amount": "200000", "default_funding_rate": "100",
        "indirect_rate": "25", "timezone": "Europe/Vienna",
        "opens_at": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"), **changes}


def _words(text: str) -> str:
    return " ".join(text.split()).lower()


def test_the_officer_sets_de_minimis_and_the_page_and_pdf_say_it(client, sign_in, make_user,
                                                                  make_funder):
    officer = make_user(Role.programme_officer, funder_id=make_funder().id)
    sign_in(officer)
    response = client.post("/calls/new", data={
        **_call_form(de_minimis="y"), "csrf_token": csrf_token(client, "/calls/new")})
    assert response.status_code == 302
    call = db.session.scalar(select(Call).where(Call.reference == "ICT-2031-01"))
    assert call.de_minimis
    edit = client.get(f"/calls/{call.reference}/edit").get_data(as_text=True)
    [checkbox] = re.findall(r'<input[^>]*name="de_minimis"[^>]*>', edit)
    assert " checked" in checkbox
    page = client.get(f"/calls/{call.reference}").get_data(as_text=True)
    assert SAID in _words(re.sub(r"<[^>]+>", " ", page))
    pdf = client.get(f"/calls/{call.reference}/call.pdf").data
    assert SAID in _words(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))

    call.de_minimis = False  # an ordinary call says nothing about it
    db.session.commit()
    page = client.get(f"/calls/{call.reference}").get_data(as_text=True)
    assert "2023/2831" not in page


def test_a_de_minimis_call_in_another_currency_is_refused_next_to_the_field(
        client, sign_in, make_user, make_funder):
    officer = make_user(Role.programme_officer, funder_id=make_funder().id)
    sign_in(officer)
    response = client.post("/calls/new", data={
        **_call_form(de_minimis="y", currency="CHF"),
        "csrf_token": csrf_token(client, "/calls/new")})
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 422) and 'id="de_minimis-error"' in page
    assert "counted in euro" in page
    assert db.session.scalar(select(Call)) is None


def test_the_setting_travels_with_the_definition_and_old_definitions_are_not_de_minimis(
        make_call, make_user):
    call = make_call(de_minimis=True)
    officer = make_user(Role.programme_officer, funder=call.funder)
    definition = json.loads(json.dumps(export_definition(call), default=str))
    assert definition["de_minimis"] is True
    copy = import_definition({**definition, "reference": "COPY-1"}, by=officer)
    assert copy.de_minimis
    older = {key: value for key, value in definition.items() if key != "de_minimis"}
    assert not import_definition({**older, "reference": "COPY-2"}, by=officer).de_minimis
    with pytest.raises(DomainError, match="de_minimis must be true or false"):
        import_definition({**definition, "reference": "COPY-3", "de_minimis": "yes"},
                          by=officer)


def test_grant_preparation_takes_de_minimis_from_the_call(make_grant, make_call,
                                                          make_funded_application):
    from tests.factories.grants import PAYMENT_MODEL

    de_minimis = make_grant(application=make_funded_application(
        call=make_call(de_minimis=True, payment_model=PAYMENT_MODEL)))
    ordinary = make_grant()
    assert de_minimis.grant.de_minimis and not ordinary.grant.de_minimis
    assert all(b.de_minimis_headroom is not None for b in de_minimis.grant.beneficiaries)
