"""Creator fixtures for grants: funded applications, grants in any state, claims, payments."""

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from app.accounts.models import Role, User
from app.applications.models import (
    Application,
    ApplicationStatus,
    BudgetLineRow,
    Participant,
    ParticipantRole,
)
from app.calls.rules.lifecycle import CallStatus
from app.core.database import utcnow
from app.core.extensions import db
from app.grants.models import ExpenseClaim, Grant, Installment
from app.grants.rules.lifecycle import GrantStatus
from app.grants.services import agreements, claims, disbursements
from tests.factories.pdfs import MINIMAL_PDF

PAYMENT_MODEL = {"prefinancing_rate": "0.40", "retention_rate": "0.05", "interim_count": 1,
                 "ceiling_rate": "0.90"}
# (cost category, ICT category, open source, amount) per participant: coordinator, partner.
# Eligible = direct + 25 % indirect: 75,000 and 50,000; requested 125,000 at 100 %.
BUDGETS = (
    (("A", "broadband", False, "40000.00"), ("C2", "web_content_management", True, "20000.00")),
    (("A", "online_communication", False, "30000.00"), ("C3", "cloud_software", True, "10000.00")),
)
START = date(2026, 1, 1)
_sequence = itertools.count(1)


@dataclass
class GrantCase:
    """A grant with the people around it."""

    grant: Grant
    coordinator: User
    partner: User
    officer: User
    finance: User

    def installment(self, sequence: int) -> Installment:
        return next(i for i in self.grant.installments if i.sequence == sequence)


@pytest.fixture
def make_funded_application(app, make_call, make_organisation, make_user):
    def make(*, call=None, budgets=BUDGETS, countries=("DE", "AT"),
             org_types=("PRC", "REC"), duration_months: int = 24) -> Application:
        n = next(_sequence)
        call = call or make_call(status=CallStatus.PUBLISHED, payment_model=PAYMENT_MODEL,
                                 reference=f"GR-{n:03d}")
        coordinator = make_user(Role.applicant, name=f"Coordinator {n}")
        application = Application(
            call=call, acronym=f"GRANT{n}", title=f"ICT investments of consortium {n}",
            duration_months=duration_months, status=ApplicationStatus.FUNDED,
            created_by=coordinator, ict_categories=["broadband"])
        for index, lines in enumerate(budgets):
            contact = coordinator if index == 0 else make_user(Role.applicant,
                                                               name=f"Partner {n}.{index}")
            organisation = make_organisation(f"Beneficiary {n}.{index}",
                                             country=countries[index % len(countries)],
                                             org_type=org_types[index % len(org_types)])
            participant = Participant(
                organisation=organisation, contact_user=contact, accepted_at=utcnow(),
                role=ParticipantRole.COORDINATOR if index == 0 else ParticipantRole.PARTNER)
            for category, ict, open_source, amount in lines:
                participant.budget_lines.append(BudgetLineRow(
                    category=category, ict_category=ict, open_source=open_source,
                    amount=Decimal(amount), description=f"{ict} investment"))
            application.participants.append(participant)
        db.session.add(application)
        db.session.commit()
        return application

    return make


@pytest.fixture
def make_grant(app, make_funded_application, make_user):
    """A grant up to `status` (prepared, accepted or signed), made through the services."""

    def make(*, application=None, status: str = GrantStatus.SIGNED,
             awarded: str | None = None, start: date = START, **application_options) -> GrantCase:
        application = application or make_funded_application(**application_options)
        funder = application.call.funder
        officer = make_user(Role.programme_officer, funder=funder, name="Olga Officer")
        finance = make_user(Role.finance_officer, funder=funder, name="Fiona Finance")
        coordinator = application.created_by
        partner = application.participants[-1].contact_user
        terms = agreements.GrantTerms(
            agreement_number=f"AGR-{application.id:05d}",
            awarded_amount=Decimal(awarded) if awarded else Decimal("125000.00"),
            start_date=start)
        grant = agreements.prepare_grant(application.id, terms, by=officer)
        if status in (GrantStatus.ACCEPTED, GrantStatus.SIGNED):
            agreements.accept_grant(grant.id, by=coordinator)
        if status == GrantStatus.SIGNED:
            agreements.sign_grant(grant.id, by=officer)
        db.session.commit()
        return GrantCase(grant, coordinator, partner, officer, finance)

    return make


@pytest.fixture
def make_claim(app):
    """A claim with lines and one PDF; submitted, and approved when asked."""

    def make(case: GrantCase, *, period: int = 1, lines=(("A", "broadband", "20000.00"),),
             submit: bool = True, approve: bool = False) -> ExpenseClaim:
        claim = claims.open_claim(case.grant.id, by=case.coordinator, period=period)
        beneficiary = case.grant.beneficiaries[0]
        for category, ict, amount in lines:
            claims.add_claim_line(claim.id, by=case.coordinator, beneficiary_id=beneficiary.id,
                                  category=category, ict_category=ict, amount=amount)
        claims.add_claim_document(claim.id, by=case.coordinator, filename="invoices.pdf",
                                  data=MINIMAL_PDF)
        if submit or approve:
            claims.submit_claim(claim.id, by=case.coordinator)
        if approve:
            claims.decide_claim(claim.id, by=case.finance, approve=True)
        db.session.commit()
        return claim

    return make


@pytest.fixture
def pay_installment(app):
    """Execute an installment as the case's finance officer, committed."""

    def execute(case: GrantCase, sequence: int = 1, *, key: str | None = None,
                value_date: date = date(2026, 2, 1)):
        result = disbursements.execute_installment(
            case.installment(sequence).id, by=case.finance, value_date=value_date,
            bank_reference=f"BANK-{next(_sequence)}",
            idempotency_key=key or disbursements.new_idempotency_key())
        db.session.commit()
        return result

    return execute
