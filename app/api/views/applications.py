"""Applications: the applicant's own (read and update), an officer's submitted ones.

Each endpoint calls the service its page calls, with the same actor: a token reaches what
its owner's pages reach, never more. Officers read what was submitted, not live drafts.
"""

from dataclasses import replace

from flask import g, request
from flask_login import current_user
from spectree import Response

from app.accounts.models import Role
from app.api.rules.cursors import decode
from app.api.views import bp
from app.api.views.paging import page_of
from app.api.views.schemas import (
    ApplicationChanges,
    ApplicationDetail,
    ApplicationPage,
    ListQuery,
    Me,
    Problem,
    StatusQuery,
    SubmittedPage,
)
from app.api.views.spec import TOKEN, validate
from app.applications.services import applications as services
from app.applications.services import review
from app.core.access import requires, signed_in
from app.core.extensions import db

MEMBERS_AND_OFFICERS = (Role.applicant, Role.programme_officer, Role.admin)
OFFICERS = (Role.programme_officer, Role.admin)


@bp.get("/me")
@signed_in
@validate(resp=Response(HTTP_200=Me, HTTP_401=Problem), tags=["Account"], security=TOKEN)
def me():
    """Who the token (or session) belongs to, and what it may do."""
    token = getattr(g, "api_token", None)
    user = current_user
    return {"id": user.id, "name": user.name, "email": user.email,
            "roles": sorted(str(role) for role in user.roles),
            "organisation": user.organisation.name if user.organisation else None,
            "funder": user.funder.name if user.funder else None,
            "token_scope": token.scope if token is not None else None}


def _summary(application) -> dict:
    return {"id": application.id, "call": application.call.reference,
            "acronym": application.acronym, "title": application.title,
            "status": application.status, "version": application.version,
            "submitted_at": application.submitted_at}


def _live(application) -> dict:
    return {**_summary(application), "abstract": application.abstract,
            "duration_months": application.duration_months,
            "strategic_area": application.strategic_area,
            "ict_categories": list(application.ict_categories or []),
            "bid_price": None if application.bid_price_amount is None
            else str(application.bid_price_amount),
            "members": [{"organisation": p.organisation.name if p.organisation else None,
                         "country": p.organisation.country if p.organisation else None,
                         "role": p.role, "accepted": p.is_accepted}
                        for p in application.participants],
            "eligibility": (application.eligibility_report or {}).get("checks", [])}


def _submitted(application, submission) -> dict:
    """What the officer's page shows: the latest submission, not the live draft."""
    snapshot = submission.snapshot or {}
    data = snapshot.get("application", {})
    return {**_summary(application), "acronym": data.get("acronym", application.acronym),
            "title": data.get("title", application.title),
            "abstract": data.get("abstract", ""),
            "duration_months": data.get("duration_months", application.duration_months),
            "strategic_area": data.get("strategic_area"),
            "ict_categories": list(data.get("ict_categories") or []),
            "bid_price": data.get("bid_price"),
            "members": [{"organisation": p["organisation"]["name"],
                         "country": p["organisation"]["country"], "role": p["role"],
                         "accepted": True} for p in snapshot.get("participants", [])],
            "eligibility": (snapshot.get("eligibility") or {}).get("checks", [])}


@bp.get("/applications")
@requires(Role.applicant)
@validate(query=ListQuery, resp=Response(HTTP_200=ApplicationPage, HTTP_400=Problem),
               tags=["Applications"], security=TOKEN)
def my_applications():
    """The applications of the consortia you belong to, the latest deadline first."""
    query = request.context.query
    filters = {"limit": query.limit}
    pagination = services.list_my_applications(by=current_user, page=decode(query.cursor, filters),
                                               per_page=query.limit)
    return page_of(pagination, filters, _summary)


@bp.get("/applications/<int:application_id>")
@requires(*MEMBERS_AND_OFFICERS)
@validate(resp=Response(HTTP_200=ApplicationDetail, HTTP_404=Problem),
               tags=["Applications"], security=TOKEN)
def get_application(application_id: int):
    """An application: live for its consortium, as last submitted for the call's officers."""
    application = services.get_viewable_application(application_id, by=current_user)
    if services.membership(application, current_user) is not None:
        return _live(application)
    application, submission = review.get_for_officer(application_id, by=current_user)
    return _submitted(application, submission)


@bp.patch("/applications/<int:application_id>")
@requires(Role.applicant)
@validate(json=ApplicationChanges,
               resp=Response(HTTP_200=ApplicationDetail, HTTP_404=Problem, HTTP_403=Problem,
                             HTTP_409=Problem),
               tags=["Applications"], security=TOKEN)
def update_application(application_id: int):
    """Change the draft's acronym, title, abstract or duration (coordinator, read-write token).

    Send the `version` you read: if someone saved meanwhile, the answer is 409."""
    changes = request.context.json
    application = services.get_application(application_id, by=current_user)
    current = services.ApplicationData(
        acronym=application.acronym, title=application.title, abstract=application.abstract,
        duration_months=application.duration_months, strategic_area=application.strategic_area,
        ict_categories=tuple(application.ict_categories or ()),
        bid_price_amount=application.bid_price_amount)
    sent = changes.model_dump(exclude_none=True, exclude={"version"})  # null: no change
    saved = services.update_application(application_id, by=current_user,
                                        data=replace(current, **sent),
                                        expected_version=changes.version)
    db.session.commit()
    return _live(saved)


@bp.get("/calls/<reference>/applications")
@requires(*OFFICERS)
@validate(query=StatusQuery, resp=Response(HTTP_200=SubmittedPage, HTTP_404=Problem),
               tags=["Evaluation"], security=TOKEN)
def call_applications(reference: str):
    """The applications submitted to one of your funder's calls, latest submission first."""
    query = request.context.query
    call = review.get_call_for_officer(reference, by=current_user)
    filters = {"status": query.status, "limit": query.limit}
    pagination, latest = review.list_call_applications(
        call, status=query.status or None, page=decode(query.cursor, filters),
        per_page=query.limit)

    def item(application) -> dict:
        submission = latest[application.id]
        coordinator = application.coordinator
        return {"id": application.id, "acronym": application.acronym,
                "title": application.title, "status": application.status,
                "coordinator": coordinator.organisation.name
                if coordinator and coordinator.organisation else None,
                "submission": submission.number, "submitted_at": submission.submitted_at,
                "requested": str(submission.requested_amount)}

    return page_of(pagination, filters, item)
