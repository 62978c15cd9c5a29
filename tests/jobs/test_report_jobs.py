"""Report jobs on a real Redis through an RQ SimpleWorker: progress, files, failures."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.core import storage
from app.core.extensions import db
from app.core.jobs import Job, JobStatus, enqueue_after_commit, rq_job_id, rq_queue
from app.reports.services import jobs as report_jobs
from app.reports.services.jobs import REPORT_KIND
from app.reports.services.reports import request_report
from app.reports.services.rows import ReportFilters
from tests.jobs.conftest import work_off

pytestmark = pytest.mark.redis
D = Decimal


@pytest.fixture
def paid(make_grant, pay_installment):
    first = make_grant()
    second = make_grant(call=first.grant.call, countries=("HU", "SK"))
    pay_installment(first, 1)
    pay_installment(second, 1)
    return first


def _run(app, user, report_format: str, **filters) -> Job:
    job = request_report(ReportFilters(**filters), report_format, by=user)
    assert rq_queue(app).count == 0  # nothing is queued before the commit
    db.session.commit()
    assert rq_queue(app).count == 1
    work_off(app)
    db.session.expire_all()
    return db.session.get(Job, job.id)


def _file(job: Job) -> bytes:
    assert (job.status, job.progress) == (JobStatus.done, 100), job.error
    return storage.read(job.result_path)


def test_pdf_report_reaches_100_percent_and_contains_the_totals(rq_app, paid, monkeypatch):
    seen = []
    real = report_jobs.report_progress

    def watch(job, percent, message=""):
        seen.append(int(percent))
        real(job, percent, message)

    monkeypatch.setattr(report_jobs, "report_progress", watch)
    job = _run(rq_app, paid.finance, "pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(_file(job))).pages)
    assert "87,500.00" in text and "Hungary" in text and paid.grant.agreement_number in text
    assert seen == sorted(seen) and seen[0] < 50 < seen[-1]  # the bar moved on the way
    assert job.result_name.endswith(".pdf") and job.message == "8 rows"


def test_csv_report_rows(rq_app, paid):
    job = _run(rq_app, paid.finance, "csv", country="DE")
    rows = list(csv.reader(io.StringIO(_file(job).decode("utf-8-sig"))))
    assert rows[0][0] == "Value date" and len(rows) == 1 + 2
    assert {row[4] for row in rows[1:]} == {"DE"}
    assert sum(D(row[9]) for row in rows[1:]) == D("26250.00")  # 60 % of 43,750


def test_xlsx_report_rows(rq_app, paid):
    job = _run(rq_app, paid.finance, "xlsx", ict_category="cloud_software")
    workbook = load_workbook(io.BytesIO(_file(job)))
    rows = list(workbook["Disbursements"].iter_rows(values_only=True))
    assert len(rows) == 1 + 2 and {row[5] for row in rows[1:]} == {"cloud_software"}


def test_a_report_job_that_raises_is_marked_failed_with_its_message(rq_app, paid):
    job = enqueue_after_commit(REPORT_KIND, by=paid.finance, filters={}, format="docx")
    db.session.commit()
    work_off(rq_app)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.failed
    assert job.error == "ValueError: Unknown report format 'docx'"
    assert job.result_path is None
    assert rq_job_id(job) in rq_queue(rq_app).failed_job_registry.get_job_ids()
