"""Disbursement reports: requested through the form, produced by a job, read by their owner only."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import Role
from app.core.extensions import db
from app.core.jobs import Job, JobStatus
from app.reports.services import writers
from app.reports.services.jobs import REPORT_KIND
from tests.conftest import csrf_token

D = Decimal


@pytest.fixture
def paid_grants(make_grant, make_claim, pay_installment):
    """Two grants of one call: pre-financing paid on both, an interim paid on the first."""
    first = make_grant()
    second = make_grant(call=first.grant.call, countries=("IT", "SI"))
    make_claim(first, approve=True)
    pay_installment(first, 1)
    pay_installment(first, 2)
    pay_installment(second, 1)
    return first, second


def _request(client, **fields):
    data = {"report_format": "csv", "csrf_token": csrf_token(client, "/reports/"), **fields}
    return client.post("/reports/", data=data)


def _job() -> Job:
    return db.session.scalars(select(Job).order_by(Job.id.desc())).first()


def test_csv_report_lists_every_booked_share(client, sign_in, paid_grants):
    first, _ = paid_grants
    sign_in(first.finance)
    response = _request(client)
    job = _job()
    assert response.location.endswith(f"/reports/{job.id}")
    assert (job.kind, job.status, job.progress) == (REPORT_KIND, JobStatus.done, 100)
    download = client.get(f"/reports/{job.id}/download")
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Value date", "Agreement"]
    # Pre-financing: 4 ICT lines of 2 beneficiaries each time; the interim: the claim's 1 line.
    assert len(rows) - 1 == 4 + 1 + 4
    assert sum(D(row[9]) for row in rows[1:]) == D("43750.00") * 2 + D("25000.00")
    assert job.message == "9 rows"
    page = client.get(f"/reports/{job.id}").get_data(as_text=True)
    assert f"/reports/{job.id}/download" in page and "Ready: 9 rows." in page


def test_filters_narrow_the_rows(client, sign_in, paid_grants):
    first, second = paid_grants
    sign_in(first.finance)
    _request(client, country="SI")
    rows = list(csv.reader(io.StringIO(
        client.get(f"/reports/{_job().id}/download").data.decode("utf-8-sig"))))[1:]
    assert {row[4] for row in rows} == {"SI"} and {row[1] for row in rows} == {
        second.grant.agreement_number}
    _request(client, ict_category="broadband", date_from="2026-01-01", date_to="2026-12-31")
    rows = list(csv.reader(io.StringIO(
        client.get(f"/reports/{_job().id}/download").data.decode("utf-8-sig"))))[1:]
    assert {row[5] for row in rows} == {"broadband"} and len(rows) == 3


def test_xlsx_report_has_rows_and_a_summary(client, sign_in, paid_grants):
    first, _ = paid_grants
    sign_in(first.finance)
    _request(client, report_format="xlsx", organisation_id=first.grant.beneficiaries[0]
             .organisation_id)
    job = _job()
    assert job.result_name.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(client.get(f"/reports/{job.id}/download").data))
    rows = list(workbook["Disbursements"].iter_rows(values_only=True))
    assert rows[0][0] == "Value date" and len(rows) == 1 + 3
    assert {row[3] for row in rows[1:]} == {first.grant.beneficiaries[0].organisation.name}
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)
               if row and row[0]}
    assert summary["Rows"] == 3 and D(str(summary["Total"])) == D("17500.00") + D(
        "8750.00") + D("25000.00")


def test_pdf_report_contains_totals_charts_and_rows(client, sign_in, paid_grants):
    first, second = paid_grants
    sign_in(first.finance)
    _request(client, report_format="pdf")
    data = client.get(f"/reports/{_job().id}/download").data
    assert data.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for expected in ("Disbursement report", "112,500.00", "Slovenia", "Detailed rows",
                     second.grant.agreement_number, "Disbursed by ICT category"):
        assert expected in text, expected
    # Human labels in the detail table, never the codes behind them.
    assert "Web content management" in text and "Austria" in text
    assert "web_content_management" not in text and "online_communication" not in text
    # The eight-column detail table has landscape pages of its own.
    last = PdfReader(io.BytesIO(data)).pages[-1]
    assert last.mediabox.width > last.mediabox.height


def test_report_files_are_private(client, sign_in, paid_grants, make_user):
    first, _ = paid_grants
    sign_in(first.finance)
    _request(client)
    job = _job()
    colleague = make_user(Role.finance_officer, funder=first.grant.call.funder)
    sign_in(colleague)
    assert client.get(f"/reports/{job.id}/download").status_code == 404
    assert client.get(f"/reports/{job.id}").status_code == 404
    assert client.get(f"/jobs/{job.id}/download").status_code == 404
    assert f"/reports/{job.id}" not in client.get("/reports/").get_data(as_text=True)
    sign_in(make_user(Role.admin))
    assert client.get(f"/reports/{job.id}/download").status_code == 200


def test_finance_officer_of_another_funder_reports_nothing_of_ours(client, sign_in, paid_grants,
                                                                   make_user, make_funder):
    first, _ = paid_grants
    sign_in(make_user(Role.finance_officer, funder=make_funder()))
    page = _request(client, call_id=first.grant.call_id).get_data(as_text=True)
    assert "Not a valid choice" in page
    _request(client)
    rows = client.get(f"/reports/{_job().id}/download").data.decode("utf-8-sig").splitlines()
    assert len(rows) == 1  # the header only


def test_the_period_must_not_end_before_it_starts(client, sign_in, paid_grants):
    sign_in(paid_grants[0].finance)
    page = _request(client, date_from="2026-03-01", date_to="2026-02-01").get_data(as_text=True)
    assert "The period ends before it starts." in page
    assert db.session.scalar(select(Job)) is None


def test_a_failed_report_says_so(client, sign_in, paid_grants, monkeypatch):
    def broken(path, rows):
        raise OSError("No space left on device")

    monkeypatch.setattr(writers, "write_csv", broken)
    sign_in(paid_grants[0].finance)
    _request(client)
    job = _job()
    assert job.status == JobStatus.failed and job.error == "OSError: No space left on device"
    page = client.get(f"/reports/{job.id}").get_data(as_text=True)
    assert "could not be produced" in page and "No space left on device" in page
    assert client.get(f"/reports/{job.id}/download").status_code == 404


def test_a_running_report_refreshes_itself_without_javascript(client, sign_in, make_user):
    officer = make_user(Role.finance_officer)
    job = Job(kind=REPORT_KIND, params={"filters": {}, "format": "pdf"},
              requested_by_id=officer.id, status=JobStatus.running, progress=40,
              message="400 of 1000 rows")
    db.session.add(job)
    db.session.commit()
    sign_in(officer)
    page = client.get(f"/reports/{job.id}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert 'aria-valuenow="40"' in page and "400 of 1000 rows" in page
    assert f"/jobs/{job.id}" in page  # the script polls the job's status
    listing = client.get("/reports/").get_data(as_text=True)
    assert "running (40 %)" in listing


def test_a_pdf_above_the_row_limit_fails_with_advice(client, sign_in, paid_grants, monkeypatch,
                                                     app):
    monkeypatch.setitem(app.config, "REPORT_PDF_MAX_ROWS", 5)
    sign_in(paid_grants[0].finance)
    _request(client, report_format="pdf")
    job = _job()
    assert job.status == JobStatus.failed
    assert job.error == ("ValueError: A PDF of 9 rows is too large (at most 5); narrow the "
                         "filters or choose CSV or XLSX")
