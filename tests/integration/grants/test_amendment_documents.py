"""Payments and reports follow the version in force on their date (issue 12, item 2 follow-up):
the payment statement, the disbursement report and the amended agreement."""

import hashlib
import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from app.core.database import utcnow
from app.core.extensions import db
from app.core.jobs import Job
from app.grants.models import GrantAmendment
from app.grants.services import amendments
from tests.conftest import csrf_token

REASON = "Work package 3 moves to the partner"


def _pdf_text(data: bytes) -> str:
    # Words only: table cells wrap their text over several lines.
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
                    .split())


def _accept_transfer(case, amount="5000.00"):
    first, second = case.grant.beneficiaries[:2]
    before = (first.awarded_amount, second.awarded_amount)
    proposal = amendments.propose(
        case.grant.id, by=case.officer, kind="beneficiary_transfer", reason=REASON,
        changes={"giver": str(first.id), "receiver": str(second.id), "amount": amount})
    db.session.commit()
    amendments.decide(proposal.id, by=case.coordinator, decision="accept")
    db.session.commit()
    db.session.expire_all()
    return before, (first.awarded_amount, second.awarded_amount)


def test_the_statement_shows_the_shares_in_force_and_lists_the_amendments(
        client, sign_in, make_grant):
    case = make_grant()
    _, after = _accept_transfer(case)
    sign_in(case.partner)
    text = _pdf_text(client.get(f"/grants/{case.grant.id}/statement.pdf").data)
    assert "Shares of version 2 of the agreement" in text
    for share in after:
        assert f"{share:,.2f}" in text
    assert "Budget transfer between beneficiaries" in text and REASON in text
    assert utcnow().date().isoformat() in text


def test_a_statement_dated_before_the_amendment_shows_the_shares_of_version_1(
        client, sign_in, make_grant, monkeypatch):
    case = make_grant()
    before, after = _accept_transfer(case)
    yesterday = utcnow() - timedelta(days=1)
    monkeypatch.setattr("app.grants.services.statements.utcnow", lambda: yesterday)
    sign_in(case.partner)
    text = _pdf_text(client.get(f"/grants/{case.grant.id}/statement.pdf").data)
    assert "Shares of version 1 of the agreement" in text
    for share in before:
        assert f"{share:,.2f}" in text
    assert f"{after[0]:,.2f}" not in text
    # Nor does it list an amendment that was not yet in force.
    assert REASON not in text and "No amendment" in text


def _report_text(client, **fields) -> str:
    data = {"report_format": "pdf", "csrf_token": csrf_token(client, "/reports/"), **fields}
    assert client.post("/reports/", data=data).status_code in (302, 303)
    job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    return _pdf_text(client.get(f"/reports/{job.id}/download").data)


def test_the_disbursement_report_shows_the_shares_in_force_on_its_date(
        client, sign_in, make_grant, pay_installment):
    case = make_grant()
    pay_installment(case, 1)
    before, after = _accept_transfer(case)
    sign_in(case.finance)
    today = utcnow().date()
    text = _report_text(client)
    assert f"Shares in force on {today.isoformat()}" in text
    for share in after:
        assert f"{share:,.2f}" in text
    assert f"Amendments accepted by {today.isoformat()}" in text
    assert "Budget transfer between beneficiaries" in text and REASON in text
    # A report up to yesterday states yesterday's version: the agreement, no amendment yet.
    yesterday = today - timedelta(days=1)
    text = _report_text(client, date_to=yesterday.isoformat())
    assert f"Shares in force on {yesterday.isoformat()}" in text
    for share in before:
        assert f"{share:,.2f}" in text
    assert f"{after[0]:,.2f}" not in text and REASON not in text
    assert "No amendment: each agreement as signed (version 1) is in force." in text


def test_an_accepted_amendment_records_the_amended_agreement_the_grant_page_offers(
        client, sign_in, make_grant):
    case = make_grant()
    _, after = _accept_transfer(case)
    amendment = db.session.scalars(select(GrantAmendment)).one()
    assert amendment.document_storage_key and len(amendment.document_sha256) == 64
    sign_in(case.partner)
    page = client.get(f"/grants/{case.grant.id}").get_data(as_text=True)
    link = f"/grants/amendments/{amendment.id}/agreement.pdf"
    assert f'id="amended-agreement" href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    # The very document whose fingerprint the acceptance recorded.
    assert hashlib.sha256(response.data).hexdigest() == amendment.document_sha256
    text = _pdf_text(response.data)
    assert f"Version 2, in force from {amendment.valid_from.isoformat()}" in text
    assert "Amendment history" in text and REASON in text
    for share in after:
        assert f"{share:,.2f}" in text


def test_the_agreement_as_signed_states_no_version(client, sign_in, make_grant):
    case = make_grant()
    sign_in(case.partner)
    text = _pdf_text(client.get(f"/grants/{case.grant.id}/agreement.pdf").data)
    assert "in force from" not in text and "Amendment history" not in text
    assert 'id="amended-agreement"' not in client.get(
        f"/grants/{case.grant.id}").get_data(as_text=True)
