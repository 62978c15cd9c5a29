"""Read what may be published: signed grants and tender calls, as the pure builders' facts.

Only organisations are read; no query here selects a person's name or e-mail.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.models import Funder, Organisation
from app.applications.models import Application, ApplicationStatus, Participant
from app.calls.models import Call
from app.calls.rules.criteria_text import describe_criteria
from app.calls.rules.lifecycle import CallKind, CallStatus
from app.core.extensions import db
from app.core.formatting import country_name
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
BATCH = 500


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
                             country_name(funder.country), funder.website)


def _organisation(organisation: Organisation, prefix: str) -> OrganisationFacts:
    return OrganisationFacts(
        org_id(organisation.identifier, prefix=prefix, local_id=organisation.id),
        organisation.name, organisation.country, country_name(organisation.country),
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
    call, application = grant.call, grant.application
    prefix = prefix_of(call.funder, identities)
    beneficiaries = tuple(_organisation(b.organisation, prefix) for b in grant.beneficiaries)
    coordinator = next((b for b in grant.beneficiaries if b.role == "coordinator"),
                       grant.beneficiaries[0])
    moments = [grant.signed_at, grant.closed_at, *(p.executed_at for p in payments)]
    return GrantFacts(
        identifier=grant.agreement_number, prefix=prefix, title=application.title,
        description=application.abstract or "", currency=call.currency,
        amount_applied_for=grant.requested_amount, amount_awarded=grant.awarded_amount,
        amount_disbursed=grant.disbursed_amount,
        award_date=grant.signed_at.astimezone(UTC).date(), start_date=grant.start_date,
        end_date=grant.end_date, duration_months=grant.duration_months,
        recipient=_organisation(coordinator.organisation, prefix), beneficiaries=beneficiaries,
        funder=_funder(call.funder, identities), programme_code=call.reference,
        programme_title=call.title, programme_url=f"{base_url()}/calls/{call.reference}",
        modified_at=max(moment for moment in moments if moment is not None),
        payments=tuple(PaymentFacts(str(p.id), p.value_date, p.amount) for p in payments))


def iter_grant_facts(batch: int = BATCH) -> Iterator[GrantFacts]:
    """Every published grant, oldest signature first, read a batch at a time (keyset on id)
    so that memory stays flat however many grants there are."""
    identities = _identities()
    last_id = 0
    while True:
        grants = db.session.scalars(
            select(Grant).where(Grant.status.in_(PUBLISHED_GRANTS), Grant.id > last_id)
            .options(selectinload(Grant.call).selectinload(Call.funder),
                     selectinload(Grant.application),
                     selectinload(Grant.beneficiaries).selectinload(GrantBeneficiary.organisation))
            .order_by(Grant.id).limit(batch)).all()
        if not grants:
            return
        payments = _payments([g.id for g in grants])
        for grant in grants:
            yield _grant_facts(grant, payments.get(grant.id, []), identities)
        # The session's identity map holds rows weakly: once a batch is written and
        # dropped here, its objects go, and memory stays flat.
        last_id = grants[-1].id


# --- OCDS -------------------------------------------------------------------------------


def _party(organisation: Organisation, prefix: str) -> PartyFacts:
    pic = (organisation.identifier or "")[4:].strip() if (
        organisation.identifier or "").upper().startswith("PIC ") else None
    return PartyFacts(org_id(organisation.identifier, prefix=prefix, local_id=organisation.id),
                      organisation.name, organisation.country,
                      country_name(organisation.country), pic or None)


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
