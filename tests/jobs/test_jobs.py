"""Jobs run on a real Redis through an RQ SimpleWorker, and in a thread without Redis."""


import pytest

from app.accounts.models import Role
from app.core.extensions import db
from app.core.jobs import (
    Job,
    JobStatus,
    enqueue_after_commit,
    job_function,
    report_progress,
    rq_job_id,
    rq_queue,
)
from tests.jobs.conftest import work_off


@job_function("test.count_words")
def count_words(job, *, text: str):
    """A small real job: it writes a result file and reports progress on the way."""
    from flask import current_app

    report_progress(job, 50, "Counting")
    path = current_app.config["FILES_DIR"] / f"job-{job.id}.txt"
    path.write_text(str(len(text.split())))
    job.result_path, job.result_name = path.name, "count.txt"


@job_function("test.explode")
def explode(job, *, reason: str):
    report_progress(job, 10, "About to fail")
    raise ValueError(reason)


@pytest.mark.redis
def test_job_is_queued_only_after_commit_and_completes(rq_app, make_user):
    user = make_user(Role.finance_officer)
    job = enqueue_after_commit("test.count_words", by=user, text="one two three")
    assert rq_queue(rq_app).count == 0  # nothing leaves before the data is saved
    db.session.commit()
    assert rq_queue(rq_app).count == 1
    work_off(rq_app)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.done and job.progress == 100
    assert (rq_app.config["FILES_DIR"] / job.result_path).read_text() == "3"


@pytest.mark.redis
def test_rolled_back_job_never_runs(rq_app, make_user):
    enqueue_after_commit("test.count_words", by=make_user(Role.admin), text="x")
    db.session.rollback()
    assert rq_queue(rq_app).count == 0


@pytest.mark.redis
def test_failing_job_is_marked_failed_with_its_message(rq_app, make_user):
    job = enqueue_after_commit("test.explode", by=make_user(Role.admin), reason="disk is full")
    db.session.commit()
    work_off(rq_app)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.failed
    assert job.error == "ValueError: disk is full"
    assert job.progress == 10
    failed = rq_queue(rq_app).failed_job_registry
    assert rq_job_id(job) in failed.get_job_ids()  # re-raised, so RQ knows too


@pytest.mark.redis
def test_rq_job_ids_carry_the_queue_name_so_two_instances_share_a_redis(rq_app, make_user):
    job = enqueue_after_commit("test.count_words", by=make_user(Role.admin), text="a b")
    db.session.commit()
    queued = rq_queue(rq_app).get_job_ids()
    assert queued == [rq_job_id(job)]
    assert queued[0].startswith(f"{rq_app.config['JOBS_QUEUE']}-{job.id}-")


@pytest.mark.redis
def test_worker_command_processes_the_queue(rq_app, make_user):
    job = enqueue_after_commit("test.count_words", by=make_user(Role.admin), text="a b")
    db.session.commit()
    result = rq_app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.done


def test_thread_mode_runs_without_redis(sqlite_app, make_user, monkeypatch):
    monkeypatch.setitem(sqlite_app.config, "JOBS_MODE", "eager")
    ok = enqueue_after_commit("test.count_words", by=make_user(Role.admin), text="a b c d")
    bad = enqueue_after_commit("test.explode", by=make_user(Role.admin), reason="boom")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Job, ok.id).status == JobStatus.done
    failed = db.session.get(Job, bad.id)
    assert failed.status == JobStatus.failed and failed.error == "ValueError: boom"

