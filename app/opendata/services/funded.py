"""Funded projects, for anyone: the published grants with their consortium, countries,
amount and ICT categories, searchable (the public page beside the open-data files)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import bindparam, exists, func, or_, select

from app.accounts.models import Organisation
from app.applications.models import Application
from app.calls.models import Call
from app.calls.rules.finance import ICT_CATEGORY_LABELS
from app.core.extensions import db
from app.core.paging import paginate_totalled_rows
from app.grants.models import Grant, GrantBeneficiary
from app.opendata.services.facts import PUBLISHED_GRANTS

PER_PAGE = 20
MAX_QUERY_LENGTH = 200


class Member(NamedTuple):  # a page shows about sixty: a tuple is the cheapest to make
    name: str
    country: str


@dataclass(frozen=True)
class FundedProject:
    grant_id: int
    acronym: str
    title: str
    call_reference: str
    call_title: str
    amount: Decimal
    currency: str
    start_date: date
    ict_categories: tuple[str, ...]
    members: tuple[Member, ...]

    @property
    def ict_labels(self) -> list[str]:
        return [ICT_CATEGORY_LABELS.get(code, code) for code in self.ict_categories]

    @property
    def countries(self) -> list[str]:
        return sorted({member.country for member in self.members})


# Built once (the page without a search is the one most read): building these SELECTs cost
# about as much CPU as running them.
_PUBLISHED = (select(Grant.id, Application.acronym, Application.title,
                     Application.ict_categories, Call.reference, Call.title, Call.currency,
                     Grant.awarded_amount, Grant.start_date)
              .join(Application, Grant.application_id == Application.id)
              .join(Call, Grant.call_id == Call.id)
              .where(Grant.status.in_(PUBLISHED_GRANTS)))
_NEWEST_FIRST = (Grant.start_date.desc(), Grant.id.desc())
_ALL_NEWEST_FIRST = _PUBLISHED.order_by(*_NEWEST_FIRST)
_MEMBERS = (select(GrantBeneficiary.grant_id, Organisation.name, Organisation.country)
            .join(Organisation, GrantBeneficiary.organisation_id == Organisation.id)
            .where(GrantBeneficiary.grant_id.in_(bindparam("grant_ids", expanding=True)))
            .order_by(GrantBeneficiary.grant_id, GrantBeneficiary.id))


def _searched(words: str):
    def matches(column):  # "%" and "_" typed are letters, not wildcards
        return func.lower(column).contains(words, autoescape=True)

    member_named = exists().where(GrantBeneficiary.grant_id == Grant.id,
                                  GrantBeneficiary.organisation_id == Organisation.id,
                                  matches(Organisation.name))
    return (_PUBLISHED.where(or_(matches(Application.acronym), matches(Application.title),
                                 member_named))
            .order_by(*_NEWEST_FIRST))


def funded_projects(*, q: str = "", page: int = 1, per_page: int = PER_PAGE):
    """A page of funded projects (newest first) and the projects on it: two queries (the
    page with its total, members) whatever the page size. `q` matches the acronym, the title
    or the name of a member."""
    words = q.strip()[:MAX_QUERY_LENGTH].lower()
    query = _searched(words) if words else _ALL_NEWEST_FIRST
    pagination = paginate_totalled_rows(query, page=page, per_page=per_page)
    rows = pagination.items
    members = _members([row[0] for row in rows])
    projects = [FundedProject(grant_id=row[0], acronym=row[1], title=row[2],
                              ict_categories=tuple(row[3] or ()), call_reference=row[4],
                              call_title=row[5], currency=row[6], amount=row[7],
                              start_date=row[8], members=tuple(members[row[0]]))
                for row in rows]
    return pagination, projects


def _members(grant_ids: list[int]) -> dict[int, list[Member]]:
    found: dict[int, list[Member]] = defaultdict(list)
    if not grant_ids:
        return found
    # On the session's connection: Session.execute's ORM handling of a SELECT that loads no
    # entity cost more CPU than its rows.
    for grant_id, name, country in db.session.connection().execute(_MEMBERS,
                                                                   {"grant_ids": grant_ids}):
        found[grant_id].append(Member(name, country))
    return found
