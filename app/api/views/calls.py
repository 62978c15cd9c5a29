"""Calls, public: the same list, filters and rules in words as the call pages."""

from flask import current_app, request
from flask_login import current_user
from spectree import Response

from app.api.rules.cursors import decode
from app.api.views import bp
from app.api.views.paging import page_of
from app.api.views.schemas import CallDetail, CallPage, CallQuery, Problem
from app.api.views.spec import validate
from app.calls.rules.criteria_text import describe_criteria
from app.calls.rules.eligibility_text import describe_rules
from app.calls.services import calls as services
from app.calls.services import listing
from app.core.access import public


def _viewer():
    return current_user if current_user.is_authenticated else None


def call_summary(call) -> dict:
    phase = call.phase()
    return {
        "reference": call.reference, "title": call.title, "kind": call.kind,
        "status": call.status, "phase": str(phase) if phase else None, "summary": call.summary,
        "currency": call.currency, "budget": str(call.budget_amount),
        "max_per_proposal": str(call.max_per_proposal_amount), "opens_at": call.opens_at,
        "closes_at": call.closes_at, "timezone": call.timezone,
        "funder": {"name": call.funder.name, "country": call.funder.country},
        "url": f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/calls/{call.reference}",
    }


@bp.get("/calls")
@public
@validate(query=CallQuery, resp=Response(HTTP_200=CallPage, HTTP_400=Problem),
               tags=["Calls"])
def list_calls():
    """Calls that are published: forthcoming, open or closed.

    Filter by words (`q`), `phase` and `kind`; follow `next` for the following page."""
    query = request.context.query
    filters = {"q": query.q, "phase": query.phase, "kind": query.kind, "limit": query.limit}
    pagination = listing.list_public_calls(
        q=query.q, phase=query.phase, kind=query.kind,
        page=decode(query.cursor, filters), per_page=query.limit)
    return page_of(pagination, filters, call_summary)


@bp.get("/calls/<reference>")
@public
@validate(resp=Response(HTTP_200=CallDetail, HTTP_404=Problem), tags=["Calls"])
def get_call(reference: str):
    """One call with its eligibility rules and award criteria, as documents and in words."""
    call = services.get_public_call(reference, viewer=_viewer())
    rules = call.eligibility_rules or {}
    criteria = call.award_criteria or {}
    return {**call_summary(call), "body": call.body,
            "strategic_areas": list(call.strategic_areas or []),
            "ict_categories": list(call.ict_categories or []),
            "eligibility_rules": rules,
            "rules_in_words": describe_rules(rules, max_per_proposal_currency=call.currency)
            if rules else [],
            "award_criteria": criteria,
            "criteria_in_words": describe_criteria(criteria) if criteria else []}
