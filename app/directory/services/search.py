"""The directory's one search service: the database's full-text engine, filters, and its index."""

import re
from dataclasses import dataclass, fields

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    String,
    and_,
    case,
    cast,
    column,
    delete,
    event,
    func,
    insert,
    inspect,
    literal_column,
    or_,
    select,
    table,
    update,
)
from sqlalchemy.engine import Connection

from app.accounts.models import Organisation
from app.calls.rules.countries import ASSOCIATED_COUNTRIES, CADSES, COUNTRY_GROUPS, EU_MEMBER_STATES
from app.calls.rules.finance import ICT_CATEGORY_LABELS
from app.core.classifications import FORD_FIELDS, NACE_SECTIONS, ORG_TYPE_LABELS
from app.core.extensions import db
from app.directory.models import OrganisationProfile, OrganisationSearch
from app.directory.services.kept_directory import mark_changed

PER_PAGE = 20
MAX_TERMS = 8  # more words than this only slow the engine down without narrowing much
_TERM = re.compile(r"[^\W_]+")  # letters and digits: nothing the query syntaxes would parse

COUNTRY_GROUP_MEMBERS = {
    "EU_MS": EU_MEMBER_STATES,
    "HE_ASSOCIATED": frozenset(ASSOCIATED_COUNTRIES),
    "CADSES": CADSES,
}
SME_CHOICES = {"yes": _l("SMEs only"), "no": _l("No SMEs")}

# Unmapped on purpose: these exist on one dialect each (see migration 0004).
_FTS = table("organisation_search_fts", column("rowid"))
_FTS_NAME = literal_column("organisation_search_fts")
_DOCUMENT = literal_column("organisation_search.document")
_ENGLISH = literal_column("'english'::regconfig")


@dataclass(frozen=True)
class SearchCriteria:
    """What the directory's search form asks; unknown codes are dropped by `clean`."""

    q: str = ""
    country: str = ""
    group: str = ""
    org_type: str = ""
    sme: str = ""
    field: str = ""
    nace: str = ""
    looking: bool = False

    @classmethod
    def clean(cls, **raw: str) -> "SearchCriteria":
        values = {f.name: (raw.get(f.name) or "").strip() for f in fields(cls)}
        country = values["country"].upper()
        return cls(
            q=values["q"][:200],
            country=country if re.fullmatch(r"[A-Z]{2}", country) else "",
            group=values["group"] if values["group"] in COUNTRY_GROUPS else "",
            org_type=values["org_type"] if values["org_type"] in ORG_TYPE_LABELS else "",
            sme=values["sme"] if values["sme"] in SME_CHOICES else "",
            field=values["field"] if values["field"] in FORD_FIELDS else "",
            nace=values["nace"].upper() if values["nace"].upper() in NACE_SECTIONS else "",
            looking=values["looking"] in {"1", "y", "yes", "on", "true"},
        )


def search_terms(text: str) -> list[str]:
    return [term.lower() for term in _TERM.findall(text)][:MAX_TERMS]


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def search_organisations(criteria: SearchCriteria, *, page: int = 1, per_page: int = PER_PAGE):
    """A page of organisations, the best match first, and their profiles by organisation id.

    Three statements whatever the page size: the count, the page, its profiles. Words
    match as prefixes ("robot" finds "robotics") in names, competencies, tags and offers;
    every word must match. An organisation whose name or short name is exactly the
    query comes first, then the engine's relevance (names weigh more), then the name.
    """
    query = _filtered(select(Organisation), criteria)
    terms = search_terms(criteria.q)
    if terms:
        query, relevance = _full_text(query, terms)
        typed = criteria.q.strip().lower()
        exact = case((or_(func.lower(Organisation.name) == typed,
                          func.lower(Organisation.short_name) == typed), 0), else_=1)
        query = query.order_by(exact, relevance, Organisation.name, Organisation.id)
    else:
        query = query.order_by(Organisation.name, Organisation.id)
    organisations = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return organisations, profiles_by_organisation([o.id for o in organisations.items])


def _full_text(query, terms: list[str]):
    """Join the full-text engine of the database; return the query and an ascending rank."""
    dialect = _dialect()
    if dialect == "sqlite":
        match = " ".join(f'"{term}"*' for term in terms)  # FTS5: every prefix, implicit AND
        query = query.join(_FTS, _FTS.c.rowid == Organisation.id).where(
            _FTS_NAME.op("MATCH")(match))
        # bm25 is lower for better matches; the name column weighs ten times the body.
        return query, func.bm25(_FTS_NAME, 10.0, 1.0)
    if dialect == "postgresql":
        tsquery = func.to_tsquery(_ENGLISH, " & ".join(f"{term}:*" for term in terms))
        query = query.join(OrganisationSearch,
                           OrganisationSearch.organisation_id == Organisation.id).where(
            _DOCUMENT.op("@@")(tsquery))
        return query, func.ts_rank_cd(_DOCUMENT, tsquery).desc()
    raise RuntimeError(f"The directory search supports SQLite and PostgreSQL, not {dialect}")


def _filtered(query, criteria: SearchCriteria):
    if criteria.country:
        query = query.where(Organisation.country == criteria.country)
    if criteria.group:
        query = query.where(Organisation.country.in_(sorted(COUNTRY_GROUP_MEMBERS[criteria.group])))
    if criteria.org_type:
        query = query.where(Organisation.org_type == criteria.org_type)
    if criteria.sme:
        query = query.where(Organisation.is_sme.is_(criteria.sme == "yes"))
    if criteria.field:
        # JSON lists are stored as text on both databases; the quotes make a code exact,
        # and a field ("2") also finds its subfields ("2.2").
        stored = cast(Organisation.fields_of_science, String)
        condition = stored.like(f'%"{criteria.field}"%')
        if "." not in criteria.field:
            condition = or_(condition, stored.like(f'%"{criteria.field}.%'))
        query = query.where(condition)
    if criteria.nace:
        query = query.where(Organisation.nace_code.like(f"{criteria.nace}%"))
    if criteria.looking:
        query = query.join(OrganisationProfile, and_(
            OrganisationProfile.organisation_id == Organisation.id,
            OrganisationProfile.looking_for_partners.is_(True)))
    return query


def profiles_by_organisation(organisation_ids: list[int]) -> dict[int, OrganisationProfile]:
    if not organisation_ids:
        return {}
    rows = db.session.scalars(select(OrganisationProfile).where(
        OrganisationProfile.organisation_id.in_(organisation_ids)))
    return {profile.organisation_id: profile for profile in rows}


# --- the index: one organisation_search row per organisation ------------------------------


def search_body(*, competencies: str | None, offer: str | None, tags, ict_interests,
                organisation_competencies: str | None = None) -> str:
    """The text indexed besides the name: competencies, offer, tags and ICT interests."""
    parts = [competencies or "", offer or "", " ".join(tags or ()),
             " ".join(ICT_CATEGORY_LABELS.get(code, code) for code in ict_interests or ()),
             organisation_competencies or ""]
    return "\n".join(part for part in parts if part)


def _search_rows(connection: Connection, organisation_ids: list[int] | None = None):
    query = (select(Organisation.id, Organisation.name, Organisation.short_name,
                    Organisation.competencies, OrganisationProfile.competencies,
                    OrganisationProfile.offer, OrganisationProfile.tags,
                    OrganisationProfile.ict_interests)
             .select_from(Organisation)
             .outerjoin(OrganisationProfile,
                        OrganisationProfile.organisation_id == Organisation.id))
    if organisation_ids is not None:
        query = query.where(Organisation.id.in_(organisation_ids))
    for row in connection.execute(query):
        yield {
            "organisation_id": row[0],
            "name_text": " ".join(part for part in (row[1], row[2]) if part)[:400],
            "body_text": search_body(competencies=row[4], offer=row[5], tags=row[6],
                                     ict_interests=row[7], organisation_competencies=row[3]),
        }


def write_search_row(connection: Connection, organisation_id: int) -> None:
    """Bring one organisation's search row up to date (the engines follow the row)."""
    table_ = OrganisationSearch.__table__
    for values in _search_rows(connection, [organisation_id]):
        changed = connection.execute(
            update(table_).where(table_.c.organisation_id == organisation_id).values(
                name_text=values["name_text"], body_text=values["body_text"]))
        if changed.rowcount == 0:
            connection.execute(insert(table_).values(**values))


def rebuild_index() -> int:
    """Rewrite every search row: after imports that bypassed the ORM. Returns the count."""
    connection = db.session.connection()
    rows = list(_search_rows(connection))
    connection.execute(delete(OrganisationSearch.__table__))
    if rows:
        connection.execute(insert(OrganisationSearch.__table__), rows)
    mark_changed(db.session)  # past the ORM: its commit makes a new directory generation
    return len(rows)


_INDEXED_ORGANISATION_FIELDS = ("name", "short_name", "competencies")


@event.listens_for(Organisation, "after_insert")
def _organisation_added(mapper, connection, target) -> None:
    write_search_row(connection, target.id)


@event.listens_for(Organisation, "after_update")
def _organisation_changed(mapper, connection, target) -> None:
    state = inspect(target)
    if any(state.attrs[name].history.has_changes() for name in _INDEXED_ORGANISATION_FIELDS):
        write_search_row(connection, target.id)


@event.listens_for(OrganisationProfile, "after_insert")
@event.listens_for(OrganisationProfile, "after_update")
def _profile_saved(mapper, connection, target) -> None:
    write_search_row(connection, target.organisation_id)
