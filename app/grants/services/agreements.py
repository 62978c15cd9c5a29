"""Grant agreement use cases: prepare from a funded proposal, accept, sign and schedule."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import false, select
from sqlalchemy.orm import selectinload

from app.accounts.models import Role, User
from app.applications.models import Application, ApplicationStatus, Participant
from app.calls.models import Call
from app.calls.rules.finance import PaymentModel
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.extensions import db
from app.core.i18n import translate
from app.core.mail import send_mail
from app.core.paging import TotalledRowPagination, paginate_totalled_rows
from app.grants.models import Grant, GrantBeneficiary, GrantPlanLine, Installment
from app.grants.rules import agreement
from app.grants.rules.lifecycle import (
    GRANT_MOVES,
    GrantStatus,
    InstallmentStatus,
    InvalidMove,
    check_move,
)
from app.grants.rules.payments import InstallmentKind, payment_schedule
from app.grants.services import state_aid
from app.grants.services.agreement_document import agreement_document
from app.grants.services.budgets import application_budget, beneficiaries_of
from app.grants.services.languages import language_of
from app.grants.services.permissions import (
    get_grant,
    is_admin,
    is_coordinator,
    require,
)
from app.grants.services.shares import rate_for

AWAITING_PER_PAGE = 25


def _domain(error: ValueError) -> DomainError:
    if isinstance(error, InvalidMove):
        return Conflict(str(error))
    # A rule's Message (app/core/rules/messages.py) is said in the user's language.
    return DomainError(translate(error.args[0]) if error.args else str(error),
                       field=getattr(error, "field", None))


def funded_without_grant(*, by: User, page: int = 1) -> TotalledRowPagination:
    """A page of the funded proposals of the officer's funder that have no grant yet, oldest
    call first: plain rows of the columns the list shows (id, acronym, title, call
    reference), no entities."""
    query = (select(Application.id, Application.acronym, Application.title, Call.reference)
             .join(Call, Application.call_id == Call.id)
             .where(Application.status == ApplicationStatus.FUNDED,
                    ~Application.id.in_(select(Grant.application_id)))
             .order_by(Call.closes_at, Application.acronym, Application.id))
    if not is_admin(by):
        if not by.is_staff_of(by.funder_id, Role.programme_officer):
            query = query.where(false())
        query = query.where(Call.funder_id == by.funder_id)
    return paginate_totalled_rows(query, page=page, per_page=AWAITING_PER_PAGE)


def get_funded_application(application_id: int, *, by: User) -> Application:
    """A funded proposal a programme officer of its funder may turn into a grant."""
    application = db.session.scalar(
        select(Application).where(Application.id == application_id).options(
            selectinload(Application.call),
            selectinload(Application.participants).selectinload(Participant.organisation),
            selectinload(Application.participants).selectinload(Participant.budget_lines)))
    if application is None or not by.is_staff_of(application.call.funder_id,
                                                  Role.programme_officer):
        raise NotFound(_("There is no such proposal, or you may not see it."))
    # Checked on reading too, not only on POST: the preparation page must not show a draft's
    # or a rejected proposal's content to the funder (found in the ASVS level 2 review).
    if application.status != ApplicationStatus.FUNDED:
        raise NotFound(_("There is no such funded proposal, or you may not see it."))
    return application


@dataclass(frozen=True)
class GrantTerms:
    """What the programme officer enters to prepare a grant."""

    agreement_number: str
    awarded_amount: Decimal
    start_date: date
    end_date: date | None = None
    beneficiary_amounts: dict[str, Decimal | None] | None = None  # participant id -> amount


def suggested_agreement_number(application: Application) -> str:
    return f"{application.call.reference}-{application.id:04d}"


def prepare_grant(application_id: int, terms: GrantTerms, *, by: User) -> Grant:
    application = get_funded_application(application_id, by=by)
    if application.status != ApplicationStatus.FUNDED:
        raise Conflict(_("Only a funded proposal can become a grant."))
    if db.session.scalar(select(Grant.id).where(Grant.application_id == application.id)):
        raise Conflict(_("This proposal already has a grant agreement."))
    number = terms.agreement_number.strip()
    if not number:
        raise DomainError(_("Enter the agreement number."), field="agreement_number")
    if db.session.scalar(select(Grant.id).where(Grant.agreement_number == number)):
        raise DomainError(_("Another grant already has this agreement number."),
                          field="agreement_number")
    budget = application_budget(application)
    call = application.call
    try:
        awarded = agreement.check_awarded(terms.awarded_amount, budget.requested)
        requested = {key: b.requested for key, b in budget.participants.items()}
        amounts = agreement.beneficiary_amounts(awarded, requested, terms.beneficiary_amounts)
        end = terms.end_date or agreement.default_end_date(terms.start_date,
                                                           application.duration_months)
        duration = agreement.duration_in_months(terms.start_date, end)
        model = PaymentModel.from_dict(call.payment_model or {})
        payment_schedule(awarded, model, start=terms.start_date, duration_months=duration)
    except ValueError as error:
        raise _domain(error) from None
    # The aid is granted by this decision, today (server time), whatever the start date:
    # the rolling three years end today. The call says whether it grants de minimis aid.
    prepared_at = utcnow()
    headroom = state_aid.check_shares(
        beneficiaries_of(application), amounts, on=prepared_at.date(), currency=call.currency,
        application_id=application.id) if call.de_minimis else {}
    grant = Grant(
        application=application, call=call, agreement_number=number,
        requested_amount=budget.requested, eligible_amount=budget.eligible,
        awarded_amount=awarded, disbursed_amount=Decimal("0.00"),
        funding_rate=str(agreement.effective_funding_rate(awarded, budget.eligible)),
        start_date=terms.start_date, end_date=end, duration_months=duration,
        payment_model=model.to_dict(), prepared_by_id=by.id, prepared_at=prepared_at,
        status=GrantStatus.PREPARED, de_minimis=call.de_minimis)
    for participant in beneficiaries_of(application):
        key = str(participant.id)
        beneficiary = GrantBeneficiary(
            participant=participant, organisation=participant.organisation,
            role=participant.role, requested_amount=budget.participants[key].requested,
            awarded_amount=amounts[key],
            funding_rate=str(rate_for(call, participant.organisation)),
            de_minimis_headroom=headroom.get(key))
        grant.beneficiaries.append(beneficiary)
        for row in participant.budget_lines:
            grant.plan_lines.append(GrantPlanLine(
                beneficiary=beneficiary, category=row.category, ict_category=row.ict_category,
                open_source=row.open_source, description=row.description, amount=row.amount))
    db.session.add(grant)
    db.session.flush()
    audit.record(by, "grant.prepared", grant, {
        "agreement_number": number, "awarded": str(awarded), "application_id": application.id,
        "de_minimis_headroom": {key: str(room) for key, room in headroom.items()}})
    with language_of(application.created_by):
        send_mail(application.created_by.email,
                  _("Grant agreement %(number)s is ready for you", number=number),
                  _("The grant agreement %(number)s for %(acronym)s awards %(amount)s "
                    "%(currency)s. Sign in to OpenCall and open My grants to review and accept "
                    "it.", number=number, acronym=application.acronym,
                    amount=format(awarded, ",.2f"), currency=call.currency))
    return grant


def _move(grant: Grant, target: GrantStatus) -> None:
    try:
        check_move(GRANT_MOVES, grant.status, target, "grant")
    except InvalidMove as error:
        raise Conflict(str(error)) from None
    grant.status = target


def accept_grant(grant_id: int, *, by: User) -> Grant:
    grant = get_grant(grant_id, by=by)
    require(is_coordinator(by, grant), _("Only the coordinator accepts the grant agreement."))
    _move(grant, GrantStatus.ACCEPTED)
    agreement_document(grant)  # made now if nobody opened it yet: what is accepted is fixed
    grant.accepted_by_id, grant.accepted_at = by.id, utcnow()
    grant.accepted_sha256 = grant.agreement_sha256
    db.session.flush()
    audit.record(by, "grant.accepted", grant, {"agreement_number": grant.agreement_number,
                                               "sha256": grant.accepted_sha256})
    officer = db.session.get(User, grant.prepared_by_id)
    with language_of(officer):
        send_mail(officer.email,
                  _("Grant agreement %(number)s accepted", number=grant.agreement_number),
                  _("The coordinator accepted grant agreement %(number)s; it is ready for your "
                    "signature.", number=grant.agreement_number))
    return grant


def sign_grant(grant_id: int, *, by: User) -> Grant:
    """Sign: the payment schedule is generated and the pre-financing becomes payable."""
    grant = get_grant(grant_id, by=by)
    require(by.is_staff_of(grant.call.funder_id, Role.programme_officer),
            _("Only a programme officer of the funder signs grant agreements."))
    _move(grant, GrantStatus.SIGNED)
    agreement_document(grant)  # refuses a stored document that no longer matches
    if grant.accepted_sha256 is None:  # accepted before documents had fingerprints (0021)
        grant.accepted_sha256 = grant.agreement_sha256
        audit.record(by, "grant.legacy_acceptance_fingerprinted", grant,
                     {"sha256": grant.agreement_sha256})
    if grant.agreement_sha256 != grant.accepted_sha256:
        raise Conflict(_("The agreement document is not the one the coordinator accepted; "
                       "nothing was signed."))
    grant.signed_by_id, grant.signed_at = by.id, utcnow()
    grant.signed_sha256 = grant.accepted_sha256
    model = PaymentModel.from_dict(grant.payment_model)
    for planned in payment_schedule(grant.awarded_amount, model, start=grant.start_date,
                                    duration_months=grant.duration_months):
        prefinancing = planned.kind == InstallmentKind.PREFINANCING
        grant.installments.append(Installment(
            kind=planned.kind, sequence=planned.sequence, planned_amount=planned.amount,
            payable_amount=planned.amount if prefinancing else None,
            retention_amount=planned.retention, due_date=planned.due_date,
            condition=planned.condition,
            status=InstallmentStatus.PAYABLE if prefinancing else InstallmentStatus.PLANNED))
    grant.application.status = ApplicationStatus.GRANT
    db.session.flush()
    audit.record(by, "grant.signed", grant, {
        "agreement_number": grant.agreement_number, "sha256": grant.signed_sha256,
        "installments": [str(i.planned_amount) for i in grant.installments]})
    with language_of(grant.application.created_by):
        send_mail(grant.application.created_by.email,
                  _("Grant agreement %(number)s signed", number=grant.agreement_number),
                  _("Grant agreement %(number)s is signed. The pre-financing of %(amount)s "
                    "%(currency)s will be paid shortly; the payment schedule is on the grant's "
                    "page in OpenCall.", number=grant.agreement_number,
                    amount=format(grant.installments[0].planned_amount, ",.2f"),
                    currency=grant.call.currency))
    return grant
