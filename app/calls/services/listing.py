"""Lists of calls: the public list with its search and filters, and the calls an officer manages."""

from datetime import datetime
from itertools import combinations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, load_only

from app.accounts.models import Role, User
from app.calls.models import Call, CallTranslation
from app.calls.rules.countries import COUNTRY_GROUPS, ineligibility_reason
from app.calls.rules.lifecycle import CallKind, CallStatus, Phase
from app.core.database import utcnow
from app.core.extensions import db

PER_PAGE = 20
# What a list of calls shows (the page's cards, the API's summaries): not the rules, criteria,
# body and other JSON a call page needs, which every row would otherwise decode.
LISTED_COLUMNS = (Call.reference, Call.title, Call.kind, Call.status, Call.summary, Call.currency,
                  Call.budget_amount, Call.max_per_proposal_amount, Call.opens_at,
                  Call.closes_at, Call.timezone, Call.funder_id, Call.main_language)

def _phase_condition(phase: str, now: datetime):
    published = Call.status == CallStatus.PUBLISHED
    if phase == Phase.FORTHCOMING:
        return published & (Call.opens_at > now)
    if phase == Phase.OPEN:
        return published & (Call.opens_at <= now) & (Call.closes_at > now)
    if phase == Phase.CLOSED:
        return (published & (Call.closes_at <= now)) | Call.status.in_(
            [CallStatus.UNDER_EVALUATION, CallStatus.RESULTS_PUBLISHED])
    raise ValueError(phase)


def _eligible_country_condition(country: str):
    """Calls without a country rule, or whose groups admit `country` (checked per group)."""
    groups = Call.eligibility_rules["eligible_countries"].as_string()
    admitting = [expression for expression in _GROUP_EXPRESSIONS
                 if ineligibility_reason(country, expression) is None]
    return or_(groups.is_(None), groups.in_(admitting) if admitting else False)


# Every stored group expression: validate_rules keeps the groups in COUNTRY_GROUPS order.
_GROUP_EXPRESSIONS = ["+".join(groups) for size in range(1, len(COUNTRY_GROUPS) + 1)
                      for groups in combinations(COUNTRY_GROUPS, size)]


def list_public_calls(*, q: str = "", phase: str = "", kind: str = "", ict: str = "",
                      country: str = "", page: int = 1, per_page: int = PER_PAGE):
    now = utcnow()
    query = (select(Call).options(joinedload(Call.funder), load_only(*LISTED_COLUMNS))
             .where(Call.status != CallStatus.DRAFT, Call.status != CallStatus.ARCHIVED))
    if q:
        pattern = f"%{q.strip().lower()}%"
        # A reader may search in any language the call is written in.
        translated = select(CallTranslation.call_id).where(or_(
            func.lower(CallTranslation.title).like(pattern),
            func.lower(CallTranslation.summary).like(pattern)))
        query = query.where(or_(func.lower(Call.title).like(pattern),
                                func.lower(Call.summary).like(pattern),
                                func.lower(Call.reference).like(pattern),
                                Call.id.in_(translated)))
    if phase in set(Phase):
        query = query.where(_phase_condition(phase, now))
    if kind in set(CallKind):
        query = query.where(Call.kind == kind)
    if ict:
        # JSON arrays are stored as text on both databases; the quotes make it exact.
        query = query.where(func.cast(Call.ict_categories, db.String).like(f'%"{ict}"%'))
    if country:
        query = query.where(_eligible_country_condition(country.upper()))
    query = query.order_by(Call.closes_at.desc(), Call.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def list_managed_calls(*, by: User, page: int = 1, per_page: int = PER_PAGE):
    query = select(Call).options(joinedload(Call.funder)).order_by(Call.created_at.desc())
    if not by.has_role(Role.admin):
        query = query.where(Call.funder_id == by.funder_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def front_door_calls(*, limit: int = 6) -> tuple[list[Call], list[Call]]:
    """What a visitor can apply to: open calls closing first, then forthcoming ones opening
    first (the home page)."""
    now = utcnow()
    base = select(Call).options(joinedload(Call.funder))
    open_calls = db.session.scalars(base.where(_phase_condition(Phase.OPEN, now))
                                    .order_by(Call.closes_at, Call.id).limit(limit)).all()
    forthcoming = db.session.scalars(base.where(_phase_condition(Phase.FORTHCOMING, now))
                                     .order_by(Call.opens_at, Call.id).limit(limit)).all()
    return list(open_calls), list(forthcoming)
