"""A tender call as an OCDS 1.1 contracting process (reference §5), built from plain facts.

One call is one contracting process (ocid = prefix + call reference). Its releases are the
changes: the tender at publication (and again whenever the call changes), the awards when
results are published, a contract at each signature and an implementation release per
payment. A release's id ends with a digest of its content, so a changed fact makes a new
release and a published release is never rewritten.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from app.opendata.rules.identifiers import json_number

OCDS_VERSION = "1.1"

# Stored call status -> OCDS tender status (closed codelist tenderStatus).
TENDER_STATUS = {"published": "active", "under_evaluation": "active",
                 "results_published": "complete", "archived": "complete"}
# Grant status -> OCDS contract status (closed codelist contractStatus).
CONTRACT_STATUS = {"signed": "active", "active": "active", "closed": "terminated"}


@dataclass(frozen=True)
class PartyFacts:
    org_id: str
    name: str
    country: str
    country_name: str
    pic: str | None = None  # the EU Participant Identification Code, when known


@dataclass(frozen=True)
class DocumentFacts:
    id: str
    title: str
    url: str
    document_type: str  # codelist documentType, e.g. tenderNotice, evaluationCriteria
    format: str


@dataclass(frozen=True)
class AwardFacts:
    id: str
    title: str
    amount: Decimal
    suppliers: tuple[PartyFacts, ...]


@dataclass(frozen=True)
class TransactionFacts:
    id: str
    value_date: date
    amount: Decimal
    payee: PartyFacts


@dataclass(frozen=True)
class ContractFacts:
    id: str
    award_id: str
    title: str
    amount: Decimal
    status: str
    start_date: date
    end_date: date
    signed_at: datetime
    transactions: tuple[TransactionFacts, ...] = field(default=())


@dataclass(frozen=True)
class ProcessFacts:
    ocid: str
    reference: str
    title: str
    description: str
    status: str  # the call's stored status
    currency: str
    budget: Decimal
    changed_at: datetime  # when the call itself last changed
    opens_at: datetime
    closes_at: datetime
    buyer: PartyFacts
    criteria_kinds: tuple[str, ...]  # "expert" / "price" per award criterion
    criteria_details: str
    documents: tuple[DocumentFacts, ...]
    bids: int = 0
    results_at: datetime | None = None
    awards: tuple[AwardFacts, ...] = field(default=())
    contracts: tuple[ContractFacts, ...] = field(default=())


def ocid_for(prefix: str, reference: str) -> str:
    return f"{prefix}-{reference}"


def _value(amount: Decimal, currency: str) -> dict:
    return {"amount": json_number(amount), "currency": currency}


def _ref(party: PartyFacts) -> dict:
    return {"id": party.org_id, "name": party.name}


def _party(party: PartyFacts, roles: list[str]) -> dict:
    data = {"id": party.org_id, "name": party.name, "roles": roles,
            "address": {"countryName": party.country_name}}
    if party.pic:
        data["identifier"] = {"scheme": "XI-PIC", "id": party.pic, "legalName": party.name}
    return data


def _parties(process: ProcessFacts) -> list[dict]:
    """Every party with all of its roles in every release: merging replaces a party's roles
    list whole, so a release that named fewer roles would drop the others."""
    buyer_roles = ["buyer", "procuringEntity"] + (["payer"] if _paid(process) else [])
    parties = [_party(process.buyer, buyer_roles)]
    paid = {t.payee.org_id for c in process.contracts for t in c.transactions}
    seen = set()
    for award in process.awards:
        for supplier in award.suppliers:
            if supplier.org_id not in seen:
                seen.add(supplier.org_id)
                roles = ["tenderer", "supplier"] + (["payee"] if supplier.org_id in paid else [])
                parties.append(_party(supplier, roles))
    return parties


def _paid(process: ProcessFacts) -> bool:
    return any(contract.transactions for contract in process.contracts)


def _award_criteria(process: ProcessFacts) -> str:
    kinds = set(process.criteria_kinds)
    return "priceOnly" if kinds == {"price"} else "ratedCriteria"


def _tender(process: ProcessFacts) -> dict:
    return {
        "id": process.reference,
        "title": process.title,
        "description": process.description or process.title,
        "status": TENDER_STATUS.get(process.status, "planned"),
        "procuringEntity": _ref(process.buyer),
        "value": _value(process.budget, process.currency),
        "procurementMethod": "open",
        "mainProcurementCategory": "services",
        "awardCriteria": _award_criteria(process),
        "awardCriteriaDetails": process.criteria_details,
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": process.opens_at.isoformat(),
                         "endDate": process.closes_at.isoformat()},
        "documents": [{"id": d.id, "title": d.title, "url": d.url,
                       "documentType": d.document_type, "format": d.format,
                       "language": "en"} for d in process.documents],
    }


def _release(process: ProcessFacts, kind: str, when: datetime, tags: list[str], body: dict
             ) -> dict:
    release = {"ocid": process.ocid, "date": when.isoformat(), "tag": tags,
               "initiationType": "tender", "language": "en",
               "parties": _parties(process), "buyer": _ref(process.buyer), **body}
    digest = hashlib.sha256(json.dumps(release, sort_keys=True).encode()).hexdigest()[:12]
    return {"id": f"{process.ocid}-{kind}-{digest}", **release}


def _contract(contract: ContractFacts, currency: str) -> dict:
    return {"id": contract.id, "awardID": contract.award_id, "title": contract.title,
            "status": CONTRACT_STATUS.get(contract.status, "pending"),
            "value": _value(contract.amount, currency),
            "period": {"startDate": f"{contract.start_date.isoformat()}T00:00:00Z",
                       "endDate": f"{contract.end_date.isoformat()}T23:59:59Z"},
            "dateSigned": contract.signed_at.isoformat()}


def _transaction(process: ProcessFacts, transaction: TransactionFacts) -> dict:
    return {"id": transaction.id,
            "date": f"{transaction.value_date.isoformat()}T00:00:00Z",
            "value": _value(transaction.amount, process.currency),
            "payer": _ref(process.buyer), "payee": _ref(transaction.payee)}


def releases_for(process: ProcessFacts) -> list[dict]:
    """The process's releases in date order: tender, award, contracts, implementation."""
    releases = [_release(process, "tender", process.changed_at, ["planning", "tender"], {
        "planning": {"budget": {"amount": _value(process.budget, process.currency),
                                "description": "Budget of the call"}},
        "tender": _tender(process)})]
    if process.results_at is not None:
        releases.append(_release(process, "award", process.results_at, ["award"], {
            "tender": {"id": process.reference, "numberOfTenderers": process.bids},
            "awards": [{"id": a.id, "title": a.title, "status": "active",
                        "date": process.results_at.isoformat(),
                        "value": _value(a.amount, process.currency),
                        "suppliers": [_ref(s) for s in a.suppliers]} for a in process.awards]}))
    for contract in process.contracts:
        releases.append(_release(process, "contract", contract.signed_at, ["contract"], {
            "contracts": [_contract(contract, process.currency)]}))
        for transaction in contract.transactions:
            when = datetime.combine(transaction.value_date, contract.signed_at.timetz())
            releases.append(_release(process, "implementation", max(when, contract.signed_at),
                                     ["implementation"], {"contracts": [{
                                         "id": contract.id, "awardID": contract.award_id,
                                         "implementation": {"transactions": [
                                             _transaction(process, transaction)]}}]}))
    return sorted(releases, key=lambda release: release["date"])

