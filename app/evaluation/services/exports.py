"""Per-call exports of every submitted score and comment, and the consensus: CSV and XLSX."""

from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.core import spreadsheets
from app.core.extensions import db
from app.evaluation.models import Assignment, Consensus, ReviewStatus
from app.evaluation.services.calls import criteria_of, get_call_to_oversee

HEADER = ("call", "application_id", "acronym", "evaluator", "role", "criterion", "label",
          "score", "comment", "status")
def export_rows(call_id: int, *, by: User, anonymised: bool) -> tuple[str, list[tuple]]:
    """The file stem and the rows: one per criterion of each submitted review and consensus."""
    call = get_call_to_oversee(call_id, by=by)
    criteria = criteria_of(call).expert_criteria
    assignments = db.session.scalars(
        select(Assignment).where(Assignment.call_id == call.id)
        .options(selectinload(Assignment.review), selectinload(Assignment.expert),
                 selectinload(Assignment.application))
        .order_by(Assignment.application_id, Assignment.id)).all()
    consensus = db.session.scalars(
        select(Consensus).where(Consensus.call_id == call.id)
        .options(selectinload(Consensus.application))
        .order_by(Consensus.application_id)).all()
    expert_ids = sorted({a.expert_id for a in assignments})
    codes = {expert_id: f"E{number}" for number, expert_id in enumerate(expert_ids, start=1)}
    rows = []
    for assignment in assignments:
        review = assignment.review
        if review is None or review.status != ReviewStatus.SUBMITTED:
            continue
        name = codes[assignment.expert_id] if anonymised else assignment.expert.name
        role = "rapporteur" if assignment.is_rapporteur else "expert"
        for criterion in criteria:
            rows.append((call.reference, assignment.application_id,
                         assignment.application.acronym, name, role, criterion.code,
                         criterion.label, review.scores.get(criterion.code, ""),
                         review.comments.get(criterion.code, ""), review.status))
    for report in consensus:
        for criterion in criteria:
            rows.append((call.reference, report.application_id, report.application.acronym,
                         "Consensus", "consensus", criterion.code, criterion.label,
                         report.scores.get(criterion.code, ""),
                         report.comments.get(criterion.code, ""), report.status))
        if report.minority_views:
            rows.append((call.reference, report.application_id, report.application.acronym,
                         "Consensus", "minority views", "", "", "", report.minority_views,
                         report.status))
    stem = f"evaluation-{call.reference}" + ("-anonymised" if anonymised else "")
    return stem, rows


def csv_lines(rows: list[tuple]) -> Iterator[str]:
    """The CSV one line at a time, so the response streams instead of building one string."""
    return spreadsheets.csv_lines(HEADER, rows)


def xlsx_bytes(rows: list[tuple]) -> bytes:
    score = HEADER.index("score")

    def cells():
        yield HEADER
        for row in rows:
            row = list(row)
            if row[score]:
                row[score] = Decimal(row[score])  # a number the spreadsheet can sum
            yield row

    return spreadsheets.xlsx_bytes([("Scores", cells())])
