"""Partner suggestions for an application: its consortium and the directory, ranked purely."""

import hashlib
import json
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from app.accounts.models import ControlStatus, Organisation, User
from app.applications.models import Application, Participant, ParticipantRole
from app.applications.services.applications import (
    EDITABLE_STATUSES,
    get_viewable_application,
    require_coordinator,
)
from app.applications.services.checklist import budget_of, members_of, rules_of
from app.calls.models import Call
from app.calls.rules.countries import association_day
from app.calls.rules.lifecycle import CallStatus
from app.core.database import utcnow
from app.core.errors import Forbidden, NotFound
from app.core.extensions import db
from app.directory.models import ContactRequest, OrganisationProfile, OrganisationSearch
from app.directory.rules.suggestions import Candidate, SuggestionResult, suggest_partners
from app.directory.services.kept_directory import kept
from app.directory.services.search import profiles_by_organisation

SUGGESTIONS_SHOWN = 20


def coordinated_application(application_id: int, *, by: User) -> Application:
    """The application if `by` coordinates it; 404 for everybody else, partners included
    (whom a consortium is looking for is the coordinator's business)."""
    try:
        application = get_viewable_application(application_id, by=by)
        require_coordinator(application, by)
    except Forbidden:
        raise NotFound(_("There is no such application, or you do not coordinate it.")) from None
    return application


@dataclass(frozen=True)
class SuggestionsPage:
    application: Application
    result: SuggestionResult
    profiles: dict[int, OrganisationProfile]
    reachable: frozenset[int]  # suggested organisations with someone to receive a request
    requests: dict[int, ContactRequest]  # requests already sent for this application


def taken_organisations(application: Application) -> set[int]:
    """Organisations in the consortium or invited to it (directly or through a person)."""
    taken = {p.organisation_id for p in application.participants if p.organisation_id}
    pending = [p.invited_email for p in application.participants
               if p.organisation_id is None and p.invited_email]
    if pending:
        taken |= set(db.session.scalars(select(User.organisation_id).where(
            User.email.in_(pending), User.organisation_id.is_not(None))))
    return taken


def _candidates() -> list[Candidate]:
    """Every organisation of the directory, read as plain rows (no ORM objects)."""
    query = (select(Organisation.id, Organisation.name, Organisation.country,
                    Organisation.org_type, Organisation.is_sme, Organisation.fields_of_science,
                    Organisation.controller_id, Organisation.control_status,
                    OrganisationSearch.body_text,
                    OrganisationProfile.looking_for_partners, OrganisationProfile.ict_interests)
             .outerjoin(OrganisationSearch, OrganisationSearch.organisation_id == Organisation.id)
             .outerjoin(OrganisationProfile,
                        OrganisationProfile.organisation_id == Organisation.id))
    candidates = []
    for (org_id, name, country, org_type, is_sme, fields, controller, control, text,
         looking, ict_interests) in db.session.execute(query):
        if control == ControlStatus.NONE:
            controller = None
        candidates.append(Candidate(
            key=str(org_id), name=name, country=country, org_type=org_type,
            is_sme=bool(is_sme), fields_of_science=tuple(fields or ()),
            controller=str(controller) if controller else None,
            public_owner=control == ControlStatus.PUBLIC_OWNER, text=text or "",
            looking_for_partners=bool(looking), ict_interests=tuple(ict_interests or ())))
    return candidates


def suggestion_result(application: Application, *,
                      limit: int = SUGGESTIONS_SHOWN) -> SuggestionResult:
    """The ranked suggestions, kept per process for the same inputs and directory generation
    (services/kept_directory.py): the ranking reads the whole directory."""
    call = application.call
    members = tuple(members_of(application, budget_of(application)))
    rules = rules_of(call)
    on = association_day(call.closes_at, call.timezone)
    text = f"{application.title}\n{application.abstract}"
    ict = tuple(application.ict_categories or ())
    excluded = frozenset(str(key) for key in taken_organisations(application))
    inputs = repr((members, json.dumps(rules, sort_keys=True, default=str), on, text, ict,
                   sorted(excluded), limit))

    def compute(directory) -> SuggestionResult:
        def others():  # read only if some check can be fixed (a complete consortium: never)
            yield from (c for c in directory() if c.key not in excluded)

        return suggest_partners(members, rules, others(), on=on, application_text=text,
                                application_ict=ict, limit=limit)

    return kept(hashlib.sha256(inputs.encode()).hexdigest(), compute, _candidates)


def suggestions_for(application_id: int, *, by: User,
                    limit: int = SUGGESTIONS_SHOWN) -> SuggestionsPage:
    """The coordinator's suggestions page, in a constant number of statements."""
    application = coordinated_application(application_id, by=by)
    result = suggestion_result(application, limit=limit)
    ids = [int(s.candidate.key) for s in result.suggestions]
    reachable: set[int] = set()
    if ids:
        reachable = set(db.session.scalars(
            select(User.organisation_id).where(User.organisation_id.in_(ids),
                                               User.is_active_account.is_(True)).distinct()))
    requests = {request.organisation_id: request for request in db.session.scalars(
        select(ContactRequest).where(ContactRequest.application_id == application.id))}
    return SuggestionsPage(application, result, profiles_by_organisation(ids),
                           frozenset(reachable), requests)


def applications_to_offer(organisation_id: int, *, by: User) -> list[Application]:
    """The user's applications that could still take this organisation on (for its profile)."""
    if not by.organisation_id or by.organisation_id == organisation_id:
        return []
    now = utcnow()
    member = aliased(Participant)
    already_in = exists().where(member.application_id == Application.id,
                                member.organisation_id == organisation_id)
    return list(db.session.scalars(
        select(Application)
        .join(Participant, Participant.application_id == Application.id)
        .join(Call, Call.id == Application.call_id)
        .where(Participant.contact_user_id == by.id,
               Participant.role == ParticipantRole.COORDINATOR,
               Participant.accepted_at.is_not(None),
               Application.status.in_(sorted(EDITABLE_STATUSES)),
               Call.status == CallStatus.PUBLISHED, Call.opens_at <= now, Call.closes_at > now,
               ~already_in)
        .order_by(Call.closes_at, Application.acronym)))
