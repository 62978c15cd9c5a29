"""Disbursement reports are marked for translation (issue 14): in a pseudo-language whose
every translation is ⟪English⟫, the report page, its form and the file are in the language
of the finance officer who asked for it, even though the job runs outside the request."""

import csv
import io

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.core.jobs import Job
from tests.conftest import csrf_token
from tests.integration.pseudo_language import pseudo, pseudo_german

SOURCES = ("app/reports/**/*.py", "app/templates/reports/*.html")


@pytest.fixture(autouse=True)
def german(app, monkeypatch, tmp_path_factory):
    pseudo_german(app, monkeypatch, tmp_path_factory, SOURCES)


def test_the_report_page_and_file_in_the_officers_language(
        client, sign_in, make_grant, pay_installment):
    case = make_grant()
    pay_installment(case, 1)
    case.finance.locale = "de"
    db.session.commit()
    sign_in(case.finance)
    page = client.get("/reports/").get_data(as_text=True)
    for text in ("Disbursement reports", "Beneficiary country", "Produce the report",
                 "All ICT categories", "No report yet."):
        assert pseudo(text) in page, text
    client.post("/reports/", data={"report_format": "csv",
                                   "csrf_token": csrf_token(client, "/reports/")})
    job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    rows = list(csv.reader(io.StringIO(
        client.get(f"/reports/{job.id}/download").data.decode("utf-8-sig"))))
    assert rows[0][:2] == [pseudo("Value date"), pseudo("Agreement")]
    assert job.message == pseudo(f"{len(rows) - 1} rows")
    progress = client.get(f"/reports/{job.id}").get_data(as_text=True)
    assert pseudo(f"Ready: {job.message}.") in progress
