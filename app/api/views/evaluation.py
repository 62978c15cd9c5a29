"""Evaluation, for the call's officers: reviews' progress and the ranking, never the experts."""

from flask_login import current_user
from spectree import Response

from app.accounts.models import Role
from app.api.views import bp
from app.api.views.schemas import Evaluation, Problem, RankingOut
from app.api.views.spec import TOKEN, validate
from app.applications.services.review import get_call_for_officer
from app.core.access import requires
from app.evaluation.models import ReviewStatus
from app.evaluation.services.assignment import call_overview
from app.evaluation.services.calls import get_call_to_oversee
from app.evaluation.services.ranking import ranking_to_read
from app.evaluation.services.results import frozen_ranking

OFFICERS = (Role.programme_officer, Role.admin)


def _oversee(reference: str):
    """The same check as the evaluation pages (those who manage the call; 404 otherwise)."""
    return get_call_to_oversee(get_call_for_officer(reference, by=current_user).id,
                               by=current_user)


@bp.get("/calls/<reference>/evaluation")
@requires(*OFFICERS)
@validate(resp=Response(HTTP_200=Evaluation, HTTP_404=Problem), tags=["Evaluation"],
               security=TOKEN)
def evaluation(reference: str):
    """Per proposal: experts assigned, reviews submitted and the consensus' status."""
    call = _oversee(reference)
    rows = call_overview(call)
    return {"call": call.reference, "status": call.status, "proposals": [
        {"application_id": row["application"].id, "acronym": row["application"].acronym,
         "experts": len(row["active"]),
         "reviews_submitted": sum(1 for a in row["active"]
                                  if a.review is not None
                                  and a.review.status == ReviewStatus.SUBMITTED),
         "consensus": row["consensus"].status if row["consensus"] else None}
        for row in rows]}


@bp.get("/calls/<reference>/ranking")
@requires(*OFFICERS)
@validate(resp=Response(HTTP_200=RankingOut, HTTP_404=Problem), tags=["Evaluation"],
               security=TOKEN)
def ranking(reference: str):
    """The ranking: frozen once results are published, else as it stands now."""
    call = _oversee(reference)
    frozen = frozen_ranking(call)
    if frozen is not None:
        return {"call": call.reference, "published": True, "pending": [], "problems": [],
                "proposals": [{
                    "application_id": e["application_id"], "acronym": e["acronym"],
                    "position": e.get("position"), "weighted_total": e.get("weighted_total"),
                    "outcome": e["outcome"], "requested": e.get("requested"),
                    "awarded": e.get("awarded"), "decided_by": e.get("trail")}
                    for e in frozen.entries]}
    result = ranking_to_read(call.id, by=current_user)
    return {"call": call.reference, "published": False,
            "pending": [a.acronym for a in result.pending], "problems": result.blockers(),
            "proposals": [{
                "application_id": row.application.id, "acronym": row.application.acronym,
                "position": row.entry.position,
                "weighted_total": str(row.entry.weighted_total),
                "outcome": str(row.decision.outcome), "requested": str(row.decision.requested),
                "awarded": str(row.decision.awarded), "decided_by": row.entry.trail}
                for row in result.rows]}
