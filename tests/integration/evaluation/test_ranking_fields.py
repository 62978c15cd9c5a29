"""The ranking reads what it needs of each submission from columns copied from the snapshot
when it was stored: the same entries and trails as reading the snapshots, and existing rows
get the columns from the migration."""

import importlib.util
from decimal import Decimal
from pathlib import Path

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from app.applications.models import Submission
from app.applications.rules.submitted_fields import country_codes, submitted_fields
from app.calls.rules.criteria import CRITERIA_PRESETS
from app.core.extensions import db
from app.evaluation.rules.ranking import RankingCandidate, rank
from app.evaluation.rules.scoring import passes_thresholds, weighted_total
from app.evaluation.services.ranking import compute_ranking
from tests.integration.evaluation.test_ranking import ranking_world, scores  # noqa: F401

COLUMNS = ("strategic_area", "countries", "key_personnel_women", "key_personnel_men",
           "bid_price", "participant_count", "failed_checks")
MIGRATION = Path(__file__).parents[3] / "migrations/versions/0020_submission_ranking_fields.py"


def _from_snapshot(application, submission, consensus_scores, criteria) -> RankingCandidate:
    """The candidate as the ranking built it before the columns: from the whole snapshot."""
    snapshot = submission.snapshot
    area = (snapshot.get("application") or {}).get("strategic_area") or application.strategic_area
    countries = {(p.get("organisation") or {}).get("country")
                 for p in snapshot.get("participants", [])} - {None}

    def people(key):
        counts = [p.get(key) for p in snapshot["participants"] if p.get(key) is not None]
        return sum(counts) if counts else None

    scores_ = {code: Decimal(value) for code, value in consensus_scores.items()}
    return RankingCandidate(
        key=str(application.id), scores=scores_, weighted_total=weighted_total(criteria, scores_),
        passed_thresholds=passes_thresholds(criteria, scores_).passed,
        areas=(area,) if area else (), countries=tuple(sorted(countries)),
        women=people("key_personnel_women"), men=people("key_personnel_men"),
        requested=Decimal(snapshot["budget"]["requested"]), panel_position=None)


def test_columns_rank_exactly_as_the_snapshots_did(ranking_world, make_organisation):  # noqa: F811
    document = dict(CRITERIA_PRESETS["horizon_europe_ria"].document)
    document["tie_breaks"] = ["uncovered_area", "gender_balance", "new_countries_then_budget"]
    call, _, _, proposal = ranking_world({"criteria": document})
    tied = scores("4", "4", "4")
    made = []
    for n, (area, countries, women, men) in enumerate([
            ("tourism", ("IT", "AT"), 2, 2), ("tourism", ("IT", "AT"), 1, 3),
            ("farming", ("DE", "FR"), None, None), (None, ("IT", "SI"), 3, 0),
            ("crafts", ("PL", "IT", "AT"), 1, 1), ("tourism", ("ES", "PT"), 0, 2)]):
        made.append(proposal(tied, strategic_area=area, women=women, men=men,
                             requested=f"{150000 + n * 10000}.00",
                             organisations=[make_organisation(country=c) for c in countries]))
    result = compute_ranking(call)
    criteria = result.criteria
    submissions = {s.application_id: s for s in db.session.scalars(select(Submission))}
    reference = rank([_from_snapshot(a, submissions[a.id], tied, criteria) for a in made],
                     criteria)
    assert [(e.key, e.position, e.trail, e.reason) for e in reference] == [
        (r.entry.key, r.entry.position, r.entry.trail, r.entry.reason) for r in result.rows]
    assert {r.entry.trail for r in result.rows} >= {"uncovered_area", "new_countries_then_budget"}
    for application in made:
        stored = submissions[application.id]
        assert {name: getattr(stored, name) for name in COLUMNS} == submitted_fields(
            stored.snapshot)
        assert country_codes(stored.countries) == tuple(sorted(
            p["organisation"]["country"] for p in stored.snapshot["participants"]))


def test_the_migration_copies_the_columns_of_existing_submissions(app, ranking_world):  # noqa: F811
    call, _, _, proposal = ranking_world()
    for women in (None, 2):
        proposal(scores("4", "4", "4"), strategic_area="tourism", women=women, men=1)
    before = {s.id: {name: getattr(s, name) for name in COLUMNS}
              for s in db.session.scalars(select(Submission))}
    # As before the revision: the columns at their server defaults.
    db.session.execute(text("UPDATE submissions SET strategic_area = NULL, countries = '', "
                            "key_personnel_women = NULL, key_personnel_men = NULL, "
                            "bid_price = NULL, participant_count = 0, failed_checks = 0"))
    spec = importlib.util.spec_from_file_location("ranking_fields_revision", MIGRATION)
    revision = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(revision)
    with Operations.context(MigrationContext.configure(db.session.connection())):
        revision._copy_from_snapshots()
    db.session.expire_all()
    after = {s.id: {name: getattr(s, name) for name in COLUMNS}
             for s in db.session.scalars(select(Submission))}
    assert after == before and len(after) == 2
    assert {row["key_personnel_women"] for row in after.values()} == {None, 2}
