"""A large call is ranked again by the job queue, not by the page that found its ranking out of
date (30,000 proposals would hold a web worker for seconds and leave it hundreds of MB bigger):
the page says so, officers who open it meanwhile follow the same job, and once the job ran the
page shows the ranking. Tests run jobs eagerly, right after the request commits."""

from datetime import timedelta

from sqlalchemy import func, select

from app.core.database import utcnow
from app.core.extensions import db
from app.core.jobs import Job, JobStatus
from app.evaluation.services import ranking_store
from tests.conftest import csrf_token
from tests.integration.evaluation.test_ranking import ranking_world, scores  # noqa: F401


def _ranking_jobs() -> list[Job]:
    return list(db.session.scalars(select(Job).where(Job.kind == ranking_store.RANKING_JOB)))


def test_a_large_call_is_ranked_by_the_queue_and_then_shown(monkeypatch, client, sign_in,
                                                            ranking_world):  # noqa: F811
    monkeypatch.setattr(ranking_store, "INLINE_RANKING_LIMIT", 1)  # two proposals are "large"
    call, officer, driver, proposal = ranking_world()
    top, second = proposal(scores("5", "4.5", "4.5")), proposal(scores("4", "4", "4"))
    sign_in(officer)

    first = client.get(f"/evaluation/calls/{call.id}/ranking")
    page = first.get_data(as_text=True)
    assert first.status_code == 200
    assert 'id="ranking-pending"' in page and "data-application=" not in page
    [job] = _ranking_jobs()
    assert job.status == JobStatus.done and job.subject == f"ranking:{call.id}"

    shown = client.get(f"/evaluation/calls/{call.id}/ranking").get_data(as_text=True)
    assert 'id="ranking-pending"' not in shown
    assert shown.index(f'data-application="{top.id}"') < shown.index(
        f'data-application="{second.id}"')
    assert len(_ranking_jobs()) == 1  # the kept ranking was read, not queued again


def test_officers_follow_the_job_already_queued(monkeypatch, client, sign_in, ranking_world):  # noqa: F811
    monkeypatch.setattr(ranking_store, "INLINE_RANKING_LIMIT", 1)
    call, officer, driver, proposal = ranking_world()
    proposal(scores("5", "4.5", "4.5"))
    proposal(scores("4", "4", "4"))
    waiting = Job(kind=ranking_store.RANKING_JOB, params={"call_id": call.id},
                  subject=f"ranking:{call.id}", status=JobStatus.queued)
    db.session.add(waiting)
    db.session.commit()
    sign_in(officer)

    page = client.get(f"/evaluation/calls/{call.id}/ranking").get_data(as_text=True)
    assert 'id="ranking-pending"' in page
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1  # no second job


def test_a_small_call_is_ranked_by_the_page_itself(client, sign_in, ranking_world):  # noqa: F811
    call, officer, driver, proposal = ranking_world()
    only = proposal(scores("5", "4.5", "4.5"))
    sign_in(officer)
    page = client.get(f"/evaluation/calls/{call.id}/ranking").get_data(as_text=True)
    assert f'data-application="{only.id}"' in page
    assert _ranking_jobs() == []


def test_a_lost_job_is_failed_and_the_ranking_queued_again(monkeypatch, client, sign_in,
                                                           ranking_world):  # noqa: F811
    monkeypatch.setattr(ranking_store, "INLINE_RANKING_LIMIT", 1)
    call, officer, driver, proposal = ranking_world()
    top = proposal(scores("5", "4.5", "4.5"))
    proposal(scores("4", "4", "4"))
    lost = Job(kind=ranking_store.RANKING_JOB, params={"call_id": call.id},
               subject=f"ranking:{call.id}", status=JobStatus.queued,
               created_at=utcnow() - timedelta(days=2))  # its process stopped before it ran
    db.session.add(lost)
    db.session.commit()
    sign_in(officer)

    assert 'id="ranking-pending"' in client.get(f"/evaluation/calls/{call.id}/ranking").get_data(
        as_text=True)
    db.session.refresh(lost)
    assert lost.status == JobStatus.failed
    assert [job.status for job in _ranking_jobs() if job.id != lost.id] == [JobStatus.done]
    shown = client.get(f"/evaluation/calls/{call.id}/ranking").get_data(as_text=True)
    assert f'data-application="{top.id}"' in shown


def test_published_results_of_a_large_call_show_the_frozen_ranking(monkeypatch, client,
                                                                   sign_in, ranking_world):  # noqa: F811
    call, officer, driver, proposal = ranking_world()
    top, second = proposal(scores("5", "4.5", "4.5")), proposal(scores("4", "4", "4"))
    sign_in(officer)
    response = client.post(f"/evaluation/calls/{call.id}/publish", data={
        "confirm": "y", "csrf_token": csrf_token(client, f"/evaluation/calls/{call.id}/ranking")})
    assert response.status_code == 302
    monkeypatch.setattr(ranking_store, "INLINE_RANKING_LIMIT", 1)  # now "large", and out of date

    page = client.get(f"/evaluation/calls/{call.id}/ranking").get_data(as_text=True)
    assert 'id="published"' in page and 'id="ranking-pending"' not in page
    assert page.index(f'data-application="{top.id}"') < page.index(
        f'data-application="{second.id}"')
    assert _ranking_jobs() == []  # nothing to rank: the frozen ranking is what is shown


def test_a_failed_ranking_is_said_and_not_queued_again_at_once(monkeypatch, client, sign_in,
                                                               ranking_world):  # noqa: F811
    monkeypatch.setattr(ranking_store, "INLINE_RANKING_LIMIT", 1)
    call, officer, driver, proposal = ranking_world()
    proposal(scores("5", "4.5", "4.5"))
    proposal(scores("4", "4", "4"))

    def crash(call_id: int) -> None:
        raise RuntimeError("ranking crashed")

    monkeypatch.setattr(ranking_store, "keep_ranking", crash)
    sign_in(officer)
    url = f"/evaluation/calls/{call.id}/ranking"
    client.get(url)  # queues the job, which fails
    page = client.get(url).get_data(as_text=True)
    assert 'id="ranking-failed"' in page
    assert [job.status for job in _ranking_jobs()] == [JobStatus.failed]  # not queued again

    [failed] = _ranking_jobs()
    failed.finished_at = utcnow() - ranking_store.RETRY_FAILED_AFTER - timedelta(seconds=1)
    db.session.commit()
    client.get(url)  # a while later: tried again
    assert len(_ranking_jobs()) == 2
