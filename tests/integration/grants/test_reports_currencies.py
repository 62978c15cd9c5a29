"""A disbursement report over calls in two currencies never adds them up: one total per
currency, labelled with it, in the PDF and in the XLSX summary (issue 12, item 6)."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.core.extensions import db
from app.core.jobs import Job
from tests.conftest import csrf_token
from tests.factories.grants import PAYMENT_MODEL

D = Decimal


@pytest.fixture
def paid_in_two_currencies(make_grant, make_call, make_funded_application, pay_installment):
    """One funder; a grant of a call in EUR and one in CZK, each pre-financing paid."""
    euro = make_grant()
    koruna_call = make_call(funder=euro.grant.call.funder, currency="CZK",
                            payment_model=PAYMENT_MODEL)
    koruna = make_grant(application=make_funded_application(call=koruna_call))
    pay_installment(euro, 1)
    pay_installment(koruna, 1)
    return euro, koruna


def _report(client, case, report_format: str) -> bytes:
    client.post("/reports/", data={"report_format": report_format,
                                   "csrf_token": csrf_token(client, "/reports/")})
    job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    return client.get(f"/reports/{job.id}/download").data


def test_each_currency_has_its_own_total_in_the_pdf_and_the_xlsx(client, sign_in,
                                                                paid_in_two_currencies):
    euro, koruna = paid_in_two_currencies
    prefinancing = D("43750.00")  # 40 % of 125,000 less 5 % retention, in each currency
    sign_in(euro.finance)
    pdf = _report(client, euro, "pdf")
    text = " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "87,500.00" not in text  # the two pre-financings were added up, labelled EUR
    assert "Totals in EUR" in text and "Totals in CZK" in text
    assert "CZK" in text and "43,750.00" in text

    workbook = load_workbook(io.BytesIO(_report(client, euro, "xlsx")))
    summary = [row for row in workbook["Summary"].iter_rows(values_only=True) if row]
    totals = [(row[1], row[2]) for row in summary if row[0] == "Total"]
    assert sorted((D(str(amount)), currency) for amount, currency in totals) == [
        (prefinancing, "CZK"), (prefinancing, "EUR")]
    by_call = {row[0]: (row[1], row[2]) for row in summary
               if row[0] in (euro.grant.call.reference, koruna.grant.call.reference)}
    assert by_call[koruna.grant.call.reference][1] == "CZK"
    assert by_call[euro.grant.call.reference][1] == "EUR"
