"""Read what may be published: signed grants and tender calls, as the pure builders' facts.

Only organisations are read; no query here selects a person's name or e-mail.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import NamedTuple

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.models import Funder, Organisation
from app.applications.models import Application, ApplicationStatus, Participant
from app.calls.models import Call
from app.calls.rules.criteria_text import describe_criteria
from app.calls.rules.lifecycle import CallKind, CallStatus
from app.core.classifications import COUNTRIES
from app.core.extensions import db
from app.evaluation.models import Ranking
from app.grants.models import Disbursement, Grant, GrantBeneficiary
from app.grants.rules.lifecycle import GrantStatus
from app.opendata.models import FunderIdentity
from app.opendata.rules.identifiers import org_id
from app.opendata.rules.ocds import (
    AwardFacts,
    ContractFacts,
    DocumentFacts,
    PartyFacts,
    ProcessFacts,
    TransactionFacts,
    ocid_for,
)
from app.opendata.rules.threesixtygiving import GrantFacts, OrganisationFacts, PaymentFacts

# Grants are published from signature on: before it, nothing has been awarded.
PUBLISHED_GRANTS = (GrantStatus.SIGNED, GrantStatus.ACTIVE, GrantStatus.CLOSED)
BATCH = 2000


# Open data is published in English, whoever starts the publication in whatever language.
def _country_name(code: str | None) -> str:
    return COUNTRIES.get((code or "").upper(), code or "—")


def base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def _identities() -> dict[int, FunderIdentity]:
    return {row.funder_id: row for row in db.session.scalars(select(FunderIdentity))}


def prefix_of(funder: Funder, identities: dict[int, FunderIdentity]) -> str:
    identity = identities.get(funder.id)
    return identity.grant_prefix if identity else current_app.config["OPEN_DATA_360G_PREFIX"]


def _funder(funder: Funder, identities: dict[int, FunderIdentity]) -> OrganisationFacts:
    identity = identities.get(funder.id)
    identifier = (identity.org_id if identity and identity.org_id
                  else f"{prefix_of(funder, identities)}-funder-{funder.id}")
    return OrganisationFacts(identifier, funder.name, funder.country,
                             _country_name(funder.country), funder.website)


def _organisation(organisation: "Organisation | _OrganisationRow", prefix: str
                  ) -> OrganisationFacts:
    return OrganisationFacts(
        org_id(organisation.identifier, prefix=prefix, local_id=organisation.id),
        organisation.name, organisation.country, _country_name(organisation.country),
        organisation.website)


def count_published_grants() -> int:
    return db.session.scalar(select(func.count()).select_from(Grant)
                             .where(Grant.status.in_(PUBLISHED_GRANTS)))


def _payments(grant_ids: list[int]) -> dict[int, list[Disbursement]]:
    found: dict[int, list[Disbursement]] = defaultdict(list)
    rows = db.session.scalars(select(Disbursement).where(Disbursement.grant_id.in_(grant_ids))
                              .order_by(Disbursement.value_date, Disbursement.id))
    for row in rows:
        found[row.grant_id].append(row)
    return found


def _grant_facts(grant: Grant, payments: list[Disbursement],
                 identities: dict[int, FunderIdentity]) -> GrantFacts:
    """One grant's facts from its ORM rows (a page of the API: a few grants)."""
    call, application = grant.call, grant.application
    return _facts_from_row(
        _GrantRow(grant.id, grant.agreement_number, application.title, application.abstract,
                  call.currency, grant.requested_amount, grant.awarded_amount,
                  grant.disbursed_amount, grant.signed_at, grant.closed_at, grant.start_date,
                  grant.end_date, grant.duration_months, call.reference, call.title,
                  call.funder_id),
        [(b.role, b.organisation) for b in grant.beneficiaries],
        [(p.id, p.value_date, p.amount, p.executed_at) for p in payments],
        call.funder, _Run(identities))


class _GrantRow(NamedTuple):
    id: int
    agreement_number: str
    title: str
    abstract: str | None
    currency: str
    requested: Decimal
    awarded: Decimal
    disbursed: Decimal
    signed_at: datetime
    closed_at: datetime | None
    start_date: date
    end_date: date
    duration_months: int
    reference: str
    call_title: str
    funder_id: int


class _Run:
    """What every grant of one export shares, worked out once: the funders' identities and
    prefixes, the site's address and each organisation's facts."""

    def __init__(self, identities: dict[int, FunderIdentity]):
        self.identities = identities
        self.base = base_url()
        self.funders: dict[int, tuple[str, OrganisationFacts]] = {}
        self.organisations: dict[tuple[int, str], OrganisationFacts] = {}

    def funder(self, funder: Funder) -> tuple[str, OrganisationFacts]:
        if funder.id not in self.funders:
            self.funders[funder.id] = (prefix_of(funder, self.identities),
                                       _funder(funder, self.identities))
        return self.funders[funder.id]

    def organisation(self, organisation: Organisation, prefix: str) -> OrganisationFacts:
        key = (organisation.id, prefix)
        if key not in self.organisations:
            self.organisations[key] = _organisation(organisation, prefix)
        return self.organisations[key]


def _facts_from_row(row: _GrantRow, members: list[tuple[str, Organisation]],
                    payments: list[tuple], funder: Funder, run: _Run) -> GrantFacts:
    prefix, funder_facts = run.funder(funder)
    beneficiaries = tuple(run.organisation(org, prefix) for _, org in members)
    coordinator = next((org for role, org in members if role == "coordinator"), members[0][1])
    moments = [row.signed_at, row.closed_at, *(p[3] for p in payments)]
    return GrantFacts(
        identifier=row.agreement_number, prefix=prefix, title=row.title,
        description=row.abstract or "", currency=row.currency,
        amount_applied_for=row.requested, amount_awarded=row.awarded,
        amount_disbursed=row.disbursed, award_date=row.signed_at.astimezone(UTC).date(),
        start_date=row.start_date, end_date=row.end_date,
        duration_months=row.duration_months,
        recipient=run.organisation(coordinator, prefix), beneficiaries=beneficiaries,
        funder=funder_facts, programme_code=row.reference, programme_title=row.call_title,
        programme_url=f"{run.base}/calls/{row.reference}",
        modified_at=max(moment for moment in moments if moment is not None),
        payments=tuple(PaymentFacts(str(p[0]), p[1], p[2]) for p in payments))


class _OrganisationRow(NamedTuple):
    id: int
    name: str
    country: str
    identifier: str | None
    website: str | None


_ORGANISATION_COLUMNS = (Organisation.id, Organisation.name, Organisation.country,
                         Organisation.identifier, Organisation.website)
_GRANT_COLUMNS = (Grant.id, Grant.agreement_number, Application.title, Application.abstract,
                  Call.currency, Grant.requested_amount, Grant.awarded_amount,
                  Grant.disbursed_amount, Grant.signed_at, Grant.closed_at, Grant.start_date,
                  Grant.end_date, Grant.duration_months, Call.reference, Call.title,
                  Call.funder_id)


def iter_grant_facts(batch: int = BATCH) -> Iterator[GrantFacts]:
    """Every published grant, by id, read a batch at a time (keyset on id) as plain rows, not
    ORM objects: memory stays flat and 10,000 grants take a few seconds."""
    run = _Run(_identities())
    funders = {f.id: f for f in db.session.scalars(select(Funder))}
    last_id = 0
    while True:
        rows = [_GrantRow(*row) for row in db.session.execute(
            select(*_GRANT_COLUMNS).join(Application, Application.id == Grant.application_id)
            .join(Call, Call.id == Grant.call_id)
            .where(Grant.status.in_(PUBLISHED_GRANTS), Grant.id > last_id)
            .order_by(Grant.id).limit(batch))]
        if not rows:
            return
        ids = [row.id for row in rows]
        members: dict[int, list] = defaultdict(list)
        for grant_id, role, *organisation in db.session.execute(
                select(GrantBeneficiary.grant_id, GrantBeneficiary.role, *_ORGANISATION_COLUMNS)
                .join(Organisation, Organisation.id == GrantBeneficiary.organisation_id)
                .where(GrantBeneficiary.grant_id.in_(ids)).order_by(GrantBeneficiary.id)):
            members[grant_id].append((role, _OrganisationRow(*organisation)))
        payments: dict[int, list] = defaultdict(list)
        for grant_id, *payment in db.session.execute(
                select(Disbursement.grant_id, Disbursement.id, Disbursement.value_date,
                       Disbursement.amount, Disbursement.executed_at)
                .where(Disbursement.grant_id.in_(ids))
                .order_by(Disbursement.value_date, Disbursement.id)):
            payments[grant_id].append(payment)
        for row in rows:
            yield _facts_from_row(row, members[row.id], payments[row.id],
                                  funders[row.funder_id], run)
        last_id = rows[-1].id


# --- OCDS -------------------------------------------------------------------------------


def _party(organisation: Organisation, prefix: str) -> PartyFacts:
    pic = (organisation.identifier or "")[4:].strip() if (
        organisation.identifier or "").upper().startswith("PIC ") else None
    return PartyFacts(org_id(organisation.identifier, prefix=prefix, local_id=organisation.id),
                      organisation.name, organisation.country,
                      _country_name(organisation.country), pic or None)


def _buyer(funder: Funder, identities: dict[int, FunderIdentity]) -> PartyFacts:
    facts = _funder(funder, identities)
    return PartyFacts(facts.org_id, facts.name, facts.country, facts.country_name)


def _documents(call: Call) -> tuple[DocumentFacts, ...]:
    url = f"{base_url()}/calls/{call.reference}"
    return (DocumentFacts("call-document", f"Call document {call.reference}",
                          f"{url}/call.pdf", "tenderNotice", "application/pdf"),
            DocumentFacts("call-definition", "Eligibility rules and award criteria",
                          f"{url}/definition.json", "evaluationCriteria", "application/json"))


def _bids(call: Call) -> int:
    return db.session.scalar(select(func.count()).select_from(Application).where(
        Application.call_id == call.id, Application.submitted_at.is_not(None),
        Application.status != ApplicationStatus.WITHDRAWN))


def _awards(call: Call, ranking: Ranking, prefix: str) -> tuple[AwardFacts, ...]:
    funded = [e for e in ranking.entries if e.get("outcome") == "funded"]
    members: dict[int, list[Organisation]] = defaultdict(list)
    rows = db.session.execute(
        select(Participant.application_id, Organisation)
        .join(Organisation, Organisation.id == Participant.organisation_id)
        .where(Participant.application_id.in_([e["application_id"] for e in funded]),
               Participant.accepted_at.is_not(None))
        .order_by(Participant.id))
    for application_id, organisation in rows:
        members[application_id].append(organisation)
    return tuple(
        AwardFacts(str(entry["application_id"]), f"{entry['acronym']}: {entry['title']}",
                   Decimal(entry["awarded"]),
                   tuple(_party(o, prefix) for o in members[entry["application_id"]]))
        for entry in funded)


def _contracts(call: Call, prefix: str) -> tuple[ContractFacts, ...]:
    grants = db.session.scalars(
        select(Grant).where(Grant.call_id == call.id, Grant.status.in_(PUBLISHED_GRANTS))
        .options(selectinload(Grant.application),
                 selectinload(Grant.beneficiaries).selectinload(GrantBeneficiary.organisation))
        .order_by(Grant.id)).all()
    payments = _payments([g.id for g in grants])
    contracts = []
    for grant in grants:
        coordinator = next((b for b in grant.beneficiaries if b.role == "coordinator"),
                           grant.beneficiaries[0])
        payee = _party(coordinator.organisation, prefix)
        contracts.append(ContractFacts(
            grant.agreement_number, str(grant.application_id),
            f"{grant.application.acronym}: {grant.application.title}", grant.awarded_amount,
            grant.status, grant.start_date, grant.end_date, grant.signed_at,
            tuple(TransactionFacts(f"{grant.agreement_number}-{p.id}", p.value_date, p.amount,
                                   payee) for p in payments.get(grant.id, []))))
    return tuple(contracts)


def tender_calls() -> list[Call]:
    return list(db.session.scalars(
        select(Call).where(Call.kind == CallKind.TENDER,
                           Call.status.not_in([CallStatus.DRAFT]))
        .options(selectinload(Call.funder)).order_by(Call.id)))


def process_facts(call: Call) -> ProcessFacts:
    identities = _identities()
    prefix = prefix_of(call.funder, identities)
    ranking = db.session.scalar(select(Ranking).where(Ranking.call_id == call.id))
    criteria = call.award_criteria.get("criteria", [])
    return ProcessFacts(
        ocid=ocid_for(current_app.config["OCDS_OCID_PREFIX"], call.reference),
        reference=call.reference, title=call.title, description=call.summary,
        status=call.status, currency=call.currency, budget=call.budget_amount,
        changed_at=max(call.published_at or call.updated_at, call.updated_at),
        opens_at=call.opens_at, closes_at=call.closes_at, buyer=_buyer(call.funder, identities),
        criteria_kinds=tuple(c.get("kind", "expert") for c in criteria),
        criteria_details=". ".join(describe_criteria(call.award_criteria)) + ".",
        documents=_documents(call), bids=_bids(call),
        results_at=ranking.published_at if ranking else None,
        awards=_awards(call, ranking, prefix) if ranking else (),
        contracts=_contracts(call, prefix))


def published_grants_page(*, page: int = 1, per_page: int = 20):
    """A page of published grants and their 360Giving grants (for the API's funded projects):
    a constant number of queries whatever the page size."""
    identities = _identities()
    pagination = db.paginate(
        select(Grant).where(Grant.status.in_(PUBLISHED_GRANTS))
        .options(selectinload(Grant.call).selectinload(Call.funder),
                 selectinload(Grant.application),
                 selectinload(Grant.beneficiaries).selectinload(GrantBeneficiary.organisation))
        .order_by(Grant.id), page=page, per_page=per_page, error_out=False)
    payments = _payments([g.id for g in pagination.items])
    facts = {g.id: _grant_facts(g, payments.get(g.id, []), identities) for g in pagination.items}
    return pagination, facts
