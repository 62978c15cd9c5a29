"""Grants and their payments: finance and programme officers of the funder, admins, and the
consortium's own members (the same visibility as the grants pages)."""

from flask import request
from flask_login import current_user
from spectree import Response

from app.accounts.models import Role
from app.api.rules.cursors import decode
from app.api.services.grants import list_visible_grants
from app.api.views import bp
from app.api.views.paging import page_of
from app.api.views.schemas import GrantDetail, GrantPage, ListQuery, Problem
from app.api.views.spec import TOKEN, validate
from app.core.access import requires
from app.grants.services.permissions import get_grant
from app.grants.services.tracking import grant_records

READERS = (Role.finance_officer, Role.programme_officer, Role.admin, Role.applicant)


def _summary(grant) -> dict:
    return {"id": grant.id, "agreement_number": grant.agreement_number,
            "call": grant.call.reference, "acronym": grant.application.acronym,
            "status": grant.status, "currency": grant.call.currency,
            "awarded": str(grant.awarded_amount), "disbursed": str(grant.disbursed_amount),
            "start_date": grant.start_date, "end_date": grant.end_date}


@bp.get("/grants")
@requires(*READERS)
@validate(query=ListQuery, resp=Response(HTTP_200=GrantPage, HTTP_400=Problem),
               tags=["Grants"], security=TOKEN)
def list_grants():
    """The grants you may see, oldest first."""
    query = request.context.query
    filters = {"limit": query.limit}
    pagination = list_visible_grants(by=current_user, page=decode(query.cursor, filters),
                                     per_page=query.limit)
    return page_of(pagination, filters, _summary)


@bp.get("/grants/<int:grant_id>")
@requires(*READERS)
@validate(resp=Response(HTTP_200=GrantDetail, HTTP_404=Problem), tags=["Grants"],
               security=TOKEN)
def get_grant_detail(grant_id: int):
    """A grant with its claims and every payment (reversals included, never deleted)."""
    grant = get_grant(grant_id, by=current_user)
    claims, payments = grant_records(grant)
    return {**_summary(grant), "remaining": str(grant.remaining_amount),
            "claims": [{"id": c.id, "period": c.period, "status": c.status,
                        "claimed": str(c.claimed_amount),
                        "payable": None if c.payable_amount is None else str(c.payable_amount)}
                       for c in claims],
            "payments": [{"id": p.id, "amount": str(p.amount), "value_date": p.value_date,
                          "status": p.status, "reverses": p.reverses_id} for p in payments]}
