"""The ranking page's data without ranking on every request: the call's ranking is computed
once and kept (RankingCache, one RankingCacheEntry per row, trail and reason included) until
its inputs change (ranking_inputs.py bumps the generation) or the call itself does (its
version: criteria, budget, status). A page then reads one summary row and its own entries.

A large call is ranked again by the job queue, not by the page that found it out of date:
30,000 proposals take seconds and some 300 MB, which a web worker must neither make a person
wait for nor keep afterwards. The page says the ranking is being computed meanwhile."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.accounts.models import User
from app.applications.models import Application
from app.calls.models import Call
from app.core.database import utcnow
from app.core.extensions import db
from app.core.jobs import Job, JobStatus, enqueue_after_commit, job_function, reconcile_job
from app.evaluation.models import RankingCache, RankingCacheEntry
from app.evaluation.rules.scoring import AwardCriteria, TieBreak
from app.evaluation.services.calls import (
    EVALUATED_STATUSES,
    criteria_of,
    get_call_to_oversee,
)
from app.evaluation.services.ranking import RankingResult, compute_ranking
from app.evaluation.services.results import frozen_ranking, ranking_entries


class CachedEntries(Pagination):
    """A page of a cached ranking: only the entries on it are read."""

    def _query_items(self) -> list[dict]:
        start = self._query_offset
        return list(db.session.scalars(
            select(RankingCacheEntry.entry)
            .where(RankingCacheEntry.call_id == self._query_args["call_id"],
                   RankingCacheEntry.ordinal >= start,
                   RankingCacheEntry.ordinal < start + self.per_page)
            .order_by(RankingCacheEntry.ordinal)))

    def _query_count(self) -> int:
        return self._query_args["total"]


@dataclass(frozen=True)
class RankingPage:
    """What the ranking page shows, from the cache: the same figures as a RankingResult."""

    call: Call
    criteria: AwardCriteria
    entries: CachedEntries | None  # None while the queue computes it (`job`)
    summary: dict
    job: Job | None = None

    @property
    def budget(self) -> Decimal:
        return Decimal(self.summary["budget"])

    @property
    def funded_total(self) -> Decimal:
        return Decimal(self.summary["funded_total"])

    @property
    def remaining(self) -> Decimal:
        return Decimal(self.summary["remaining"])

    @property
    def last_funded_position(self) -> int | None:
        return self.summary["last_funded_position"]

    @property
    def pending(self) -> list[dict]:
        """Proposals without an approved consensus: {"id", "acronym"}."""
        return self.summary["pending"]

    @property
    def unresolved(self) -> list[dict]:
        """Groups still tied: {"position", "proposals": [{"id", "acronym", "panel_position",
        "panel_reason"}]}."""
        return self.summary["unresolved"]

    @property
    def panel_allowed(self) -> bool:
        return TieBreak.PANEL_DECISION in self.criteria.tie_breaks

    def blockers(self) -> list[str]:
        return self.summary["blockers"]


def summarise(result: RankingResult) -> dict:
    """The page's figures beside the table, as JSON."""
    return {
        "budget": str(result.line.budget), "funded_total": str(result.line.funded_total),
        "remaining": str(result.line.remaining),
        "last_funded_position": result.last_funded_position,
        "pending": [{"id": a.id, "acronym": a.acronym} for a in result.pending],
        "unresolved": [{"position": group[0].entry.position, "proposals": [
            {"id": row.application.id, "acronym": row.application.acronym,
             "panel_position": row.panel.position if row.panel else None,
             "panel_reason": row.panel.reason if row.panel else None} for row in group]}
            for group in result.unresolved],
        "blockers": result.blockers(),
    }


def _dialect_insert():
    return (postgresql_insert if db.session.connection().dialect.name == "postgresql"
            else sqlite_insert)


def _store(call: Call, generation: int) -> tuple[dict, int]:
    """Rank `call` and keep the result as of input generation `generation` (read before the
    inputs: a change committed meanwhile bumped it past, so the next page ranks again)."""
    result = compute_ranking(call)
    entries = ranking_entries(result)
    summary = summarise(result)
    db.session.execute(delete(RankingCacheEntry).where(RankingCacheEntry.call_id == call.id))
    if entries:
        db.session.execute(insert(RankingCacheEntry), [
            {"call_id": call.id, "ordinal": ordinal, "entry": entry}
            for ordinal, entry in enumerate(entries)])
    db.session.execute(update(RankingCache).where(RankingCache.call_id == call.id).values(
        result_generation=generation, call_version=call.version, summary=summary,
        entry_count=len(entries), computed_at=utcnow()))
    return summary, len(entries)


_CACHED = (RankingCache.inputs_generation, RankingCache.result_generation,
           RankingCache.call_version, RankingCache.summary, RankingCache.entry_count)


def _is_fresh(cached, call: Call) -> bool:
    return (cached is not None and cached.result_generation == cached.inputs_generation
            and cached.call_version == call.version)


def _locked(call: Call):
    """The call's cache row, made if missing and locked for this transaction (PostgreSQL), read
    again: two pages that found it stale rank one after the other, and the second finds the
    first's result instead of colliding with its entries."""
    table = RankingCache.__table__
    db.session.execute(_dialect_insert()(table).values(
        call_id=call.id, inputs_generation=0, summary={}, entry_count=0)
        .on_conflict_do_nothing(index_elements=[table.c.call_id]))
    return db.session.execute(select(*_CACHED).where(RankingCache.call_id == call.id)
                              .with_for_update()).one()


def ranking_page(call_id: int, *, by: User, page: int, per_page: int) -> RankingPage:
    """The call's ranking, page `page`: read from the cache, ranked first if its inputs changed
    (by the job queue for a large call: the page then holds its job, and no entries).
    The caller commits, to keep a freshly computed ranking (or the queued job)."""
    call = get_call_to_oversee(call_id, by=by)
    cached = db.session.execute(select(*_CACHED).where(RankingCache.call_id == call.id)).first()
    if not _is_fresh(cached, call) and _ranked_count(call) > INLINE_RANKING_LIMIT:
        # Published results show the frozen ranking: the live one is not needed at all.
        job = None if frozen_ranking(call) is not None else _ranking_job_for(call, by=by)
        return RankingPage(call=call, criteria=criteria_of(call), entries=None,
                           summary={"unresolved": []}, job=job)
    if not _is_fresh(cached, call):
        cached = _locked(call)
    if _is_fresh(cached, call):
        summary, total = cached.summary, cached.entry_count
    else:
        summary, total = _store(call, cached.inputs_generation)
    entries = CachedEntries(page=page, per_page=per_page, max_per_page=None, error_out=False,
                            call_id=call.id, total=total)
    return RankingPage(call=call, criteria=criteria_of(call), entries=entries, summary=summary)


# Above this many proposals to rank, the queue ranks (a second, a few dozen MB below it).
INLINE_RANKING_LIMIT = 2000
RANKING_JOB = "evaluation.ranking"
RETRY_FAILED_AFTER = timedelta(minutes=5)


def _ranked_count(call: Call) -> int:
    return db.session.scalar(select(func.count()).where(
        Application.call_id == call.id, Application.status.in_(EVALUATED_STATUSES)))


def _ranking_job_for(call: Call, *, by: User) -> Job:
    """The call's latest ranking job if it is queued or running (officers who open the page
    meanwhile follow it) or failed a moment ago (the page says so, instead of queuing the same
    failure on every view); else a new one."""
    job = db.session.scalar(select(Job).where(
        Job.kind == RANKING_JOB, Job.subject == f"ranking:{call.id}")
        .order_by(Job.id.desc()).limit(1))
    if job is not None and reconcile_job(job):  # lost or overrun: failed now, or sent again
        db.session.refresh(job)
        if job.status == JobStatus.failed:  # its process stopped; the ranking did not fail
            job = None
    if job is not None and (job.status in (JobStatus.queued, JobStatus.running) or (
            job.status == JobStatus.failed and job.finished_at is not None
            and utcnow() - job.finished_at < RETRY_FAILED_AFTER)):
        return job
    return enqueue_after_commit(RANKING_JOB, by=by, subject=f"ranking:{call.id}",
                                call_id=call.id)


def keep_ranking(call_id: int) -> None:
    """Rank the call and keep it, under its cache lock, unless another run did since (the
    job's work; the caller commits)."""
    call = db.session.get(Call, call_id)
    cached = _locked(call)
    if not _is_fresh(cached, call):
        _store(call, cached.inputs_generation)


@job_function(RANKING_JOB, timeout=15 * 60, service="ranking")
def _rank_in_the_queue(job: Job, call_id: int) -> None:
    keep_ranking(call_id)
    job.message = "Ranked."
