"""Jobs always end: a worker killed mid-report (kill -9 of a real worker process) leaves a
failed job with no partial file and the retry succeeds; Redis unreachable answers 503 with
the app's page and a failed job."""

import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core import storage
from app.core.extensions import db
from app.core.jobs import WORKER_DIED, Job, JobStatus
from app.reports.services.jobs import REPORT_KIND
from app.reports.services.reports import request_report
from app.reports.services.rows import ReportFilters
from tests.conftest import csrf_token
from tests.jobs.faults import wait_until, worker_process


@pytest.fixture
def paid(make_grant, pay_installment):
    first = make_grant()
    second = make_grant(call=first.grant.call, countries=("HU", "SK"))
    pay_installment(first, 1)
    pay_installment(second, 1)
    return first


def _job(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def _partials(files_dir: Path, job_id: int) -> list[Path]:
    return list((files_dir / storage.PARTIAL_DIR).glob(f"job-{job_id}-*"))


@pytest.mark.redis
def test_a_worker_killed_mid_report_leaves_a_failed_job_and_no_partial_file(
        rq_app, client, sign_in, paid):
    files_dir = Path(rq_app.config["FILES_DIR"])
    reports_before = set((files_dir / "reports").glob("*"))
    job = request_report(ReportFilters(), "csv", by=paid.finance)
    db.session.commit()
    sign_in(paid.finance)
    # Each of the 8 rows takes a second: the worker is killed while it writes the CSV.
    with worker_process(rq_app, SLOW_ROW_SECONDS="1") as worker:
        wait_until(lambda: _partials(files_dir, job.id), timeout=30,
                   what="the report to be half written")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    assert worker.returncode == -signal.SIGKILL
    assert _job(job.id).status == JobStatus.running  # nobody is left to say otherwise...

    def failed_on_its_page():
        answer = client.get(f"/jobs/{job.id}").get_json()
        return answer if answer["status"] == JobStatus.failed else None

    # ... until its heartbeat expires (4 s here) and the job's page reconciles it.
    answer = wait_until(failed_on_its_page, timeout=20, every=0.5, what="the job to fail")
    assert answer["error"] == WORKER_DIED and answer["can_retry"] is True
    assert _partials(files_dir, job.id) == []  # the half-written CSV is gone
    assert set((files_dir / "reports").glob("*")) == reports_before
    assert _job(job.id).result_path is None
    page = client.get(f"/reports/{job.id}").get_data(as_text=True)
    assert "the worker running it stopped" in page and "Try again" in page

    response = client.post(f"/jobs/{job.id}/retry",
                           data={"csrf_token": csrf_token(client, f"/reports/{job.id}")})
    again = db.session.scalars(select(Job).where(Job.kind == REPORT_KIND)
                               .order_by(Job.id.desc())).first()
    assert response.status_code == 302 and response.location == f"/reports/{again.id}"
    assert again.id != job.id and again.params == job.params
    with worker_process(rq_app, "--burst") as worker:
        worker.wait(timeout=60)
    assert worker.returncode == 0, worker.output
    assert _job(again.id).status == JobStatus.done
    download = client.get(f"/reports/{again.id}/download")
    assert download.status_code == 200
    assert len(download.data.decode("utf-8-sig").splitlines()) == 1 + 8
    assert _job(job.id).status == JobStatus.failed  # the failed one stays as it was


def test_redis_unreachable_gives_the_503_page_and_a_failed_job(app, client, sign_in, paid,
                                                               monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_MODE", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    sign_in(paid.finance)
    response = client.post("/reports/", data={
        "csrf_token": csrf_token(client, "/reports/"), "report_format": "csv"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page
    assert "The report service is unavailable right now" in page
    assert response.headers["Retry-After"] == "10"
    job = db.session.scalars(select(Job)).one()
    assert job.status == JobStatus.failed
    assert job.error == "The report service is unavailable right now, so it could not start."
    assert client.get("/reports/").status_code == 200  # the rest of the app carries on
