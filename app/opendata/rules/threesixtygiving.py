"""A grant as a 360Giving 1.4 grant (reference §5), built from plain facts: no database here.

Only organisations appear: people's names and e-mails are not among the facts, so they
cannot leak into a published file.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from app.opendata.rules.identifiers import country_code, json_number

SCHEMA_VERSION = "1.4"
PREFIX_PATTERN = re.compile(r"^360G-[A-Za-z0-9][A-Za-z0-9_.-]{0,40}$")


class PrefixError(ValueError):
    """A 360Giving prefix that is not of the registered form `360G-...`."""


def check_prefix(prefix: str) -> str:
    if not PREFIX_PATTERN.match(prefix or ""):
        raise PrefixError(
            f"{prefix!r} is not a 360Giving prefix: it starts with 360G- followed by letters, "
            "digits, dots, hyphens or underscores (e.g. 360G-CADSES).")
    return prefix


@dataclass(frozen=True)
class OrganisationFacts:
    org_id: str  # an org-id.guide identifier, or one scoped by the funder's prefix
    name: str
    country: str  # ISO 3166-1 alpha-2 as stored (EU documents write EL, UK)
    country_name: str
    website: str | None = None


@dataclass(frozen=True)
class PaymentFacts:
    id: str
    value_date: date
    amount: Decimal


@dataclass(frozen=True)
class GrantFacts:
    identifier: str  # agreement number: unique within the funder
    prefix: str
    title: str
    description: str
    currency: str
    amount_applied_for: Decimal
    amount_awarded: Decimal
    amount_disbursed: Decimal
    award_date: date
    start_date: date
    end_date: date
    duration_months: int
    recipient: OrganisationFacts
    beneficiaries: tuple[OrganisationFacts, ...]
    funder: OrganisationFacts
    programme_code: str
    programme_title: str
    programme_url: str
    modified_at: datetime
    payments: tuple[PaymentFacts, ...] = field(default=())


def grant_id(prefix: str, identifier: str) -> str:
    return f"{check_prefix(prefix)}-{identifier}"


def _organisation(org: OrganisationFacts) -> dict:
    data = {"id": org.org_id, "name": org.name, "addressCountry": org.country_name}
    if org.website:
        data["url"] = org.website
    return data


def _locations(grant: GrantFacts) -> list[dict]:
    """Where the beneficiaries are: one location per country, in order of first mention."""
    seen: dict[str, str] = {}
    for org in grant.beneficiaries or (grant.recipient,):
        seen.setdefault(country_code(org.country), org.country_name)
    return [{"id": f"{grant.prefix}-country-{code}", "name": name, "countryCode": code}
            for code, name in seen.items()]


def _consortium_sentence(grant: GrantFacts) -> str:
    others = [org for org in grant.beneficiaries if org.org_id != grant.recipient.org_id]
    if not others:
        return ""
    names = "; ".join(f"{org.name} ({org.country_name})" for org in others)
    return f" Consortium partners: {names}."


def grant_record(grant: GrantFacts) -> dict:
    """One grant of the `grants` array, with the fields the standard requires and more."""
    identifier = grant_id(grant.prefix, grant.identifier)
    record = {
        "id": identifier,
        "title": grant.title,
        "description": (grant.description.strip() or grant.title) + _consortium_sentence(grant),
        "currency": grant.currency,
        "amountAppliedFor": json_number(grant.amount_applied_for),
        "amountAwarded": json_number(grant.amount_awarded),
        "amountDisbursed": json_number(grant.amount_disbursed),
        "awardDate": grant.award_date.isoformat(),
        "plannedDates": [{"startDate": grant.start_date.isoformat(),
                          "endDate": grant.end_date.isoformat(),
                          "duration": grant.duration_months}],
        "recipientOrganization": [_organisation(grant.recipient)],
        "beneficiaryLocation": _locations(grant),
        "fundingOrganization": [_organisation(grant.funder)],
        "grantProgramme": [{"code": grant.programme_code, "title": grant.programme_title,
                            "url": grant.programme_url}],
        "fromOpenCall": "Yes",
        "dateModified": grant.modified_at.isoformat(),
    }
    if grant.payments:
        record["disbursementTransaction"] = [
            {"id": f"{identifier}-payment-{payment.id}",
             "transactionDate": payment.value_date.isoformat(),
             "currency": grant.currency, "value": json_number(payment.amount)}
            for payment in grant.payments]
    return record


@dataclass(frozen=True)
class PackageFacts:
    title: str
    publisher_name: str
    publisher_id: str | None
    publisher_url: str | None
    license_url: str
    download_url: str
    access_url: str
    issued_at: datetime


def package_metadata(package: PackageFacts) -> dict:
    """Everything of the data package but its grants (written around them, as they stream)."""
    publisher = {"name": package.publisher_name}
    if package.publisher_id:
        publisher["identifier"] = package.publisher_id
    if package.publisher_url:
        publisher["website"] = package.publisher_url
    return {
        "version": SCHEMA_VERSION,
        "title": package.title,
        "identifier": f"{package.download_url}#{package.issued_at:%Y%m%dT%H%M%SZ}",
        "issued": package.issued_at.isoformat(),
        "modified": package.issued_at.isoformat(),
        "publisher": publisher,
        "license": package.license_url,
        "downloadURL": package.download_url,
        "accessURL": package.access_url,
    }
