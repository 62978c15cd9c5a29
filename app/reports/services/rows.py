"""The disbursement report's data: filters, rows read in keyset batches, and summaries."""

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true

from app.accounts.models import Organisation, Role, User
from app.calls.models import Call
from app.core.extensions import db
from app.grants.models import Disbursement, DisbursementShare, Grant, GrantBeneficiary, Installment

BATCH_SIZE = 1000
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ReportFilters:
    """What the finance officer picked; every field is optional (None = no filter)."""

    call_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    country: str | None = None
    ict_category: str | None = None
    organisation_id: int | None = None  # the beneficiary

    def to_params(self) -> dict:
        """JSON-friendly, for the Job row's params."""
        return {key: value.isoformat() if isinstance(value, date) else value
                for key, value in asdict(self).items() if value not in (None, "")}

    @classmethod
    def from_params(cls, params: dict) -> "ReportFilters":
        values = dict(params)
        for key in ("date_from", "date_to"):
            if values.get(key):
                values[key] = date.fromisoformat(values[key])
        return cls(**values)


class ReportRow(NamedTuple):
    share_id: int
    value_date: date
    agreement_number: str
    call_reference: str
    beneficiary: str
    country: str
    ict_category: str
    installment: str
    bank_reference: str
    status: str
    amount: Decimal
    currency: str


# Headings of the CSV and XLSX files, in the language of whoever asked for the report.
COLUMNS = (_l("Value date"), _l("Agreement"), _l("Call"), _l("Beneficiary"), _l("Country"),
           _l("ICT category"), _l("Installment"), _l("Bank reference"), _l("Status"),
           _l("Amount"), _l("Currency"))


def scope_for(user: User) -> ColumnElement[bool]:
    """Finance officers report on their funder's grants; admins on every grant."""
    if user.has_role(Role.admin):
        return true()
    if user.is_staff_of(user.funder_id, Role.finance_officer):
        return Call.funder_id == user.funder_id
    return false()


def _joined(query: Select) -> Select:
    return (query.select_from(DisbursementShare)
            .join(Disbursement, DisbursementShare.disbursement_id == Disbursement.id)
            .join(Grant, Disbursement.grant_id == Grant.id)
            .join(Call, Grant.call_id == Call.id)
            .join(GrantBeneficiary, DisbursementShare.beneficiary_id == GrantBeneficiary.id)
            .join(Organisation, GrantBeneficiary.organisation_id == Organisation.id))


def _where(filters: ReportFilters, user: User) -> list[ColumnElement[bool]]:
    conditions = [scope_for(user)]
    if filters.call_id:
        conditions.append(Grant.call_id == filters.call_id)
    if filters.date_from:
        conditions.append(Disbursement.value_date >= filters.date_from)
    if filters.date_to:
        conditions.append(Disbursement.value_date <= filters.date_to)
    if filters.country:
        conditions.append(Organisation.country == filters.country)
    if filters.ict_category:
        conditions.append(DisbursementShare.ict_category == filters.ict_category)
    if filters.organisation_id:
        conditions.append(GrantBeneficiary.organisation_id == filters.organisation_id)
    return conditions


def grant_ids(filters: ReportFilters, *, by: User) -> list[int]:
    """The grants the report's rows were paid from."""
    return list(db.session.scalars(_joined(select(Grant.id).distinct())
                                   .where(*_where(filters, by))))


def count_rows(filters: ReportFilters, *, by: User) -> int:
    return db.session.scalar(_joined(select(func.count(DisbursementShare.id)))
                             .where(*_where(filters, by)))


def iter_rows(filters: ReportFilters, *, by: User, batch_size: int = BATCH_SIZE,
              on_batch: Callable[[int], None] | None = None) -> Iterator[ReportRow]:
    """Every row in value-date order, fetched `batch_size` at a time (keyset pagination).

    Memory stays flat however many rows there are, and each batch is its own query,
    so `on_batch(rows_so_far)` may commit (progress) between batches.
    """
    query = (_joined(select(
        DisbursementShare.id, Disbursement.value_date, Grant.agreement_number, Call.reference,
        Organisation.name, Organisation.country, DisbursementShare.ict_category,
        Installment.kind, Disbursement.bank_reference, Disbursement.status,
        DisbursementShare.amount, Call.currency))
        .join(Installment, Disbursement.installment_id == Installment.id)
        .where(*_where(filters, by))
        .order_by(Disbursement.value_date, DisbursementShare.id).limit(batch_size))
    done, last = 0, None
    while True:
        page = query if last is None else query.where(or_(
            Disbursement.value_date > last.value_date,
            and_(Disbursement.value_date == last.value_date, DisbursementShare.id > last.share_id)))
        rows = [ReportRow(*row) for row in db.session.execute(page)]
        yield from rows
        done += len(rows)
        if on_batch is not None:
            on_batch(done)
        if len(rows) < batch_size:
            return
        last = rows[-1]
        del rows  # so that two batches are never held at once


@dataclass
class ReportSummary:
    """Every amount with its currency: a funder's calls may pay in several, and a total
    never adds them up (issue 12, item 6)."""

    rows: int = 0
    totals: list[tuple[str, Decimal]] = field(default_factory=list)  # (currency, total)
    by_call: list[tuple[str, str, Decimal]] = field(default_factory=list)  # (ref, cur, amount)
    by_country: list[tuple[str, str, Decimal]] = field(default_factory=list)
    by_ict: list[tuple[str, str, Decimal]] = field(default_factory=list)
    by_beneficiary: list[tuple[str, str, str, Decimal]] = field(default_factory=list)

    @property
    def currencies(self) -> list[str]:
        return [currency for currency, _total in self.totals]

    def in_currency(self, pairs, currency: str) -> list[tuple]:
        """The (key…, amount) lines of one currency, without the currency."""
        return [(*line[:-2], line[-1]) for line in pairs if line[-2] == currency]


def summarise(filters: ReportFilters, *, by: User) -> ReportSummary:
    """Totals per currency, and by call, country, ICT category and beneficiary in each
    currency: six GROUP BY queries."""
    where = _where(filters, by)
    amount = func.sum(DisbursementShare.amount)

    def grouped(*columns):
        return db.session.execute(_joined(select(*columns, amount)).where(*where)
                                  .group_by(*columns).order_by(*columns)).all()

    summary = ReportSummary()
    summary.rows = db.session.scalar(
        _joined(select(func.count(DisbursementShare.id))).where(*where))
    summary.totals = [(currency, value or ZERO) for currency, value in grouped(Call.currency)]
    summary.by_call = [tuple(line) for line in grouped(Call.reference, Call.currency)]
    summary.by_country = [tuple(line) for line in grouped(Organisation.country, Call.currency)]
    summary.by_ict = [tuple(line) for line in grouped(DisbursementShare.ict_category,
                                                      Call.currency)]
    summary.by_beneficiary = [tuple(line) for line in grouped(
        Organisation.name, Organisation.country, Call.currency)]
    return summary


def filter_choices(*, by: User) -> dict[str, list]:
    """Calls and countries the user may report on, for the form's lists (beneficiaries are
    searched as the user types: services/beneficiaries.py)."""
    scope = scope_for(by)
    calls = db.session.execute(select(Call.id, Call.reference, Call.title).where(
        scope, Call.id.in_(select(Grant.call_id))).order_by(Call.reference)).all()
    countries = db.session.scalars(
        select(Organisation.country).distinct()
        .join(GrantBeneficiary, GrantBeneficiary.organisation_id == Organisation.id)
        .join(Grant, GrantBeneficiary.grant_id == Grant.id).join(Call, Grant.call_id == Call.id)
        .where(scope).order_by(Organisation.country)).all()
    return {"calls": calls, "countries": list(countries)}
