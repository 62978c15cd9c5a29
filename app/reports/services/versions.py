"""The grant versions a disbursement report states: per grant, each beneficiary's share in
force on the report's date, the version it belongs to, and the amendments accepted by then
(issue 12, item 2: payments and reports follow the version in force on their date)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.core.extensions import db
from app.grants.models import Grant, GrantAmendment, GrantBeneficiary
from app.grants.services.amendment_history import shares_on
from app.grants.services.statements import accepted_amendments
from app.reports.services.rows import ReportFilters, grant_ids


@dataclass(frozen=True)
class GrantVersion:
    agreement_number: str
    currency: str
    version: int
    shares: list[tuple[str, Decimal]]  # (beneficiary, share in force)
    amendments: list[GrantAmendment]  # accepted by the report's date, oldest first


def report_date(filters: ReportFilters, today: date) -> date:
    """A report up to a past day states the shares of that day; otherwise today's."""
    return min(filters.date_to, today) if filters.date_to else today


def versions_in_force(filters: ReportFilters, *, by: User, on: date) -> list[GrantVersion]:
    """One query per grant for its versions: a report covers a funder's grants (dozens),
    not its rows (thousands)."""
    grants = db.session.scalars(
        select(Grant).where(Grant.id.in_(grant_ids(filters, by=by)))
        .options(selectinload(Grant.beneficiaries).selectinload(GrantBeneficiary.organisation))
        .order_by(Grant.agreement_number)).all()
    result = []
    for grant in grants:
        version, shares = shares_on(grant, on)
        result.append(GrantVersion(
            grant.agreement_number, grant.call.currency, version,
            [(b.organisation.name, shares[str(b.id)]) for b in grant.beneficiaries
             if str(b.id) in shares],
            [a for a in accepted_amendments(grant) if a.valid_from <= on]))
    return result
