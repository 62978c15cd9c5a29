"""Database faults: stale pooled connections are replaced, an outage answers 503 with the
app's own page (rendered without the database) and service resumes without a restart, a
value the database refuses is a 400, and a queue worker whose connections were terminated
recovers on its next job."""

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import InternalServerError

from app.accounts.models import Role, User
from app.core.extensions import db
from app.core.jobs import Job, JobStatus
from app.reports.services.reports import request_report
from app.reports.services.rows import ReportFilters
from tests import services
from tests.jobs.faults import wait_until, worker_process


def _admin_execute(statement: str, **params) -> list:
    """Run a statement as the server's administrator, outside the app's pool."""
    import psycopg

    with psycopg.connect(services.POSTGRES_ADMIN_URL, autocommit=True) as connection:
        cursor = connection.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def _database(app) -> str:
    return db.engine.url.database


def _terminate(app, application_name: str | None = None) -> int:
    """Terminate the database's connections, as a restart does. The test's own session lets
    go of its connection first: what is tested is the app's requests, not this session."""
    db.session.close()
    query = ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             "WHERE datname = %(name)s AND pid <> pg_backend_pid()")
    if application_name:
        query += " AND application_name = %(application)s"
    return len(_admin_execute(query, name=_database(app), application=application_name))


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_terminated_connections_are_replaced_and_the_next_request_succeeds(
        app, client, make_user, sign_in):
    sign_in(make_user(Role.applicant))
    assert client.get("/applications/").status_code == 200
    assert _terminate(app) >= 1  # the pooled connections die, as in a database restart
    assert client.get("/applications/").status_code == 200
    assert client.get("/healthz").status_code == 200


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_database_outage_answers_503_with_the_apps_page_and_service_resumes(
        app, client, make_user, sign_in):
    sign_in(make_user(Role.applicant))
    name = _database(app)
    _admin_execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
    try:
        _terminate(app)
        down = client.get("/applications/")
        page = down.get_data(as_text=True)
        assert down.status_code == 503 and down.headers["Retry-After"] == "10"
        assert "OpenCall cannot reach its database just now" in page
        assert "<title>Service unavailable · OpenCall</title>" in page  # our page, not the
        assert "Internal Server Error" not in page                      # server's bare one
        as_json = client.get("/applications/", headers={"Accept": "application/json"})
        assert as_json.status_code == 503
        assert as_json.get_json()["error"] == "Service unavailable"
        assert client.get("/healthz").status_code == 503
    finally:
        _admin_execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
    assert client.get("/applications/").status_code == 200  # no restart needed
    assert client.get("/healthz").status_code == 200


def test_error_pages_are_rendered_without_the_database(app, count_queries):
    """A 500 or 503 page runs no query, so it shows even when the database is the fault."""
    failures = [OperationalError("SELECT 1", {}, Exception("connection refused")),
                RuntimeError("a bug")]
    for error, status in zip(failures, (503, 500), strict=True):
        with app.test_request_context("/applications/"), count_queries() as counted:
            if status == 500:  # what Flask hands the 500 handler for an unhandled error
                error = InternalServerError(original_exception=error)
            response = app.make_response(app.handle_user_exception(error))
        assert response.status_code == status and counted == []
        assert "OpenCall" in response.get_data(as_text=True)


def test_a_value_the_database_refuses_is_a_400_not_a_500(app, client, make_user, sign_in):
    sign_in(make_user(Role.applicant))

    def refuse(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "applications" in statement:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")

    event.listen(db.engine, "before_cursor_execute", refuse)
    try:
        response = client.get("/applications/")
    finally:
        event.remove(db.engine, "before_cursor_execute", refuse)
    assert response.status_code == 400
    assert "A value you sent is out of range" in response.get_data(as_text=True)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_worker_whose_connections_were_terminated_recovers_on_the_next_job(
        app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_MODE", "rq")
    monkeypatch.setitem(app.config, "REDIS_URL", services.REDIS_URL)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", f"opencall-faults-{id(app)}")
    finance_id = make_user(Role.finance_officer).id
    url = db.engine.url.update_query_dict({"application_name": "opencall-test-worker"})

    def report() -> int:
        job = request_report(ReportFilters(), "csv", by=db.session.get(User, finance_id))
        db.session.commit()
        return job.id

    def finished(job_id: int):
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        return job if job.status in (JobStatus.done, JobStatus.failed) else None

    with worker_process(app, TEST_DATABASE_URL=url.render_as_string(hide_password=False)) \
            as worker:
        first_id = report()
        first = wait_until(lambda: finished(first_id), timeout=30, what="the first job")
        assert first.status == JobStatus.done, first.error
        assert _terminate(app, "opencall-test-worker") >= 1  # the worker's connections die
        second_id = report()
        second = wait_until(lambda: finished(second_id), timeout=30, what="the next job")
        assert worker.poll() is None  # the same worker process, still running
    assert second.status == JobStatus.done, second.error
