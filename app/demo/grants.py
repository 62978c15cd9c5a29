"""Demo grants on the call whose results are published: they belong to its frozen ranking and
start after it closed; pre-financing paid, a claim to decide, a claim paid, an amendment."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.accounts.models import Organisation, User
from app.applications.models import (
    Application,
    ApplicationStatus,
    BudgetLineRow,
    Participant,
    ParticipantRole,
)
from app.calls.models import Call
from app.calls.services.calls import mark_submitted
from app.core.database import utcnow
from app.core.extensions import db
from app.core.pdf import html_to_pdf
from app.evaluation.models import Ranking
from app.evaluation.rules.scoring import plain
from app.grants.models import Grant
from app.grants.rules.payments import add_months
from app.grants.services import agreements, amendments, bank_accounts, claims, disbursements
from app.grants.services.budgets import application_budget

DEMO_CALL = "CADSES-ICT-2025-03"
OFFICER = "officer@demo.opencall.eu"
FINANCE = "finance@demo.opencall.eu"
COORDINATOR = "coordinator@demo.opencall.eu"
PARTNER = "partner@demo.opencall.eu"

# (cost category, ICT category, open source, amount)
FIRM_PLAN = (("A", "web_content_management", True, "52000.00"),
             ("C2", "broadband", False, "18000.00"),
             ("C3", "online_communication", False, "6000.00"))
RESEARCH_PLAN = (("A", "online_communication", True, "44000.00"),
                 ("C3", "web_content_management", True, "9000.00"))
SHOP_PLAN = (("A", "e_commerce", True, "30000.00"), ("C2", "broadband", False, "12500.00"))


@dataclass(frozen=True)
class DemoGrant:
    acronym: str
    title: str
    months_ago: int  # start date, in whole months before this month
    stage: str  # "claim_waiting", "claim_paid" or "signed"
    amended: bool = False  # an accepted budget transfer: version 2 and its history


DEMO_GRANTS = (
    DemoGrant("ADRIAWEB", "Web content management for Adriatic tourism firms", 13, "claim_waiting",
              amended=True),
    DemoGrant("DANUBECMS", "Shared open-source CMS for Danube guesthouses", 14, "claim_paid"),
    DemoGrant("ALPCRAFT", "E-commerce and broadband for Alpine craft SMEs", -1, "signed"),
)


# Example accounts (valid IBANs of SEPA banks) for the demo's beneficiaries.
DEMO_ACCOUNTS = (("AT61 1904 3002 3457 3201", "BKAUATWW"),
                 ("IT60 X054 2811 1010 0000 0123 456", "BPMOIT22"),
                 ("DE89 3704 0044 0532 0130 00", ""))


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _organisations(coordinator: User, partner: User) -> list[Organisation]:
    """The demo coordinator's and partner's organisations, then a firm from a third country."""
    chosen = [org for org in (coordinator.organisation, partner.organisation) if org]
    countries = {org.country for org in chosen}
    other = db.session.scalars(select(Organisation).where(
        Organisation.identifier.like("PIC %"), Organisation.org_type == "PRC",
        Organisation.country.not_in(countries)).order_by(Organisation.id)).first()
    return chosen + ([other] if other else [])


def _free_acronym(call: Call, acronym: str) -> str:
    """The acronym, or the first free variant of it: other demo seeds use this call too."""
    taken = set(db.session.scalars(select(Application.acronym).where(
        Application.call_id == call.id, Application.acronym.like(f"{acronym}%"))))
    candidates = [acronym] + [f"{acronym}-{n}" for n in range(2, len(taken) + 3)]
    return next(candidate for candidate in candidates if candidate not in taken)


def _funded_application(call: Call, spec: DemoGrant, members: list[Organisation],
                        coordinator: User, partner: User) -> Application:
    plans = (FIRM_PLAN, RESEARCH_PLAN, SHOP_PLAN)
    application = Application(
        call=call, acronym=_free_acronym(call, spec.acronym), title=spec.title,
        duration_months=24,
        abstract="Demo project funded under the closed CADSES call.",
        strategic_area="Tourism", ict_categories=list(call.ict_categories),
        status=ApplicationStatus.FUNDED, created_by=coordinator)
    for index, organisation in enumerate(members):
        participant = Participant(
            organisation=organisation,
            role=ParticipantRole.COORDINATOR if index == 0 else ParticipantRole.PARTNER,
            contact_user=coordinator if index == 0 else (partner if index == 1 else None),
            invited_email=None, accepted_at=utcnow())
        for category, ict, open_source, amount in plans[index % len(plans)]:
            participant.budget_lines.append(BudgetLineRow(
                category=category, ict_category=ict, open_source=open_source,
                amount=Decimal(amount), description=f"{ict.replace('_', ' ')} investment"))
        application.participants.append(participant)
    db.session.add(application)
    db.session.flush()
    return application


def _applications(call: Call, coordinator: User, partner: User,
                  officer: User) -> list[Application]:
    """The call's funded proposals; the demo's own ones, ranked, when it has none yet."""
    funded = list(db.session.scalars(select(Application).where(
        Application.call_id == call.id, Application.status == ApplicationStatus.FUNDED)
        .order_by(Application.id)))
    if funded:
        return funded[:len(DEMO_GRANTS)]
    members = _organisations(coordinator, partner)
    if len(members) < 2:
        return []
    applications = [_funded_application(call, spec, members, coordinator, partner)
                    for spec in DEMO_GRANTS]
    _publish_ranking(call, applications, officer)
    return applications


def _publish_ranking(call: Call, applications: list[Application], officer: User) -> None:
    """The call's frozen ranking, in the format results.ranking_entries writes, so that each
    grant belongs to a proposal the published results funded."""
    if db.session.scalar(select(Ranking).where(Ranking.call_id == call.id)):
        return
    entries, funded, above = [], Decimal("0"), None
    for position, application in enumerate(applications, start=1):
        requested = application_budget(application).requested
        funded += requested
        total = plain(Decimal("14") - Decimal("0.5") * position)
        reason = (f"Lower weighted total than the proposal above ({total} vs {above})."
                  if above else f"Highest weighted total ({total}).")
        above = total
        entries.append({
            "application_id": application.id, "acronym": application.acronym,
            "title": application.title, "position": position, "weighted_total": total,
            "quality_total": total, "passed": True, "failed_criteria": [], "scores": {},
            "trail": "total", "reason": reason, "tried": [],
            "unresolved_tie": False, "outcome": "funded", "requested": str(requested),
            "awarded": str(requested), "reserve_rank": None, "panel_reason": None,
            "dispersed": []})
    mark_submitted(call, call.closes_at - timedelta(days=1))  # its rules are frozen
    db.session.add(Ranking(
        call_id=call.id, entries=entries, published_by_id=officer.id,
        published_at=call.closes_at + timedelta(days=45), summary={
            "currency": call.currency, "budget": str(call.budget_amount),
            "funded_total": str(funded), "remaining": str(call.budget_amount - funded),
            "last_funded_position": len(entries), "ranked": len(entries),
            "award_criteria": call.award_criteria}))
    db.session.flush()


def _pdf(title: str) -> bytes:
    return html_to_pdf(f"<h1>{title}</h1><p>Demo supporting document: invoices and "
                       "timesheets of the reporting period.</p>")


def _grant(application: Application, spec: DemoGrant, people: dict[str, User]) -> Grant:
    officer, finance = people[OFFICER], people[FINANCE]
    coordinator = application.created_by
    first_of_month = date.today().replace(day=1)
    start = add_months(first_of_month, -spec.months_ago)
    terms = agreements.GrantTerms(
        agreement_number=f"{application.call.reference}-G{application.id:03d}",
        awarded_amount=application_budget(application).requested, start_date=start)
    grant = agreements.prepare_grant(application.id, terms, by=officer)
    agreements.accept_grant(grant.id, by=coordinator)
    agreements.sign_grant(grant.id, by=officer)
    _bank_details(grant, coordinator, finance, confirm_all=spec.stage != "claim_waiting")
    if spec.stage == "signed":
        return grant  # the pre-financing waits: it shows among upcoming payments
    _pay(grant, 1, finance, start + timedelta(days=10))
    if spec.amended:
        _transfer(grant, officer, coordinator)
    claim = claims.open_claim(grant.id, by=coordinator, period=1)
    for beneficiary in grant.beneficiaries:
        for line in (row for row in grant.plan_lines if row.beneficiary_id == beneficiary.id):
            claims.add_claim_line(
                claim.id, by=coordinator, beneficiary_id=beneficiary.id, category=line.category,
                ict_category=line.ict_category, description=line.description,
                amount=(line.amount * Decimal("0.45")).quantize(Decimal("0.01")))
    claims.add_claim_document(claim.id, by=coordinator, filename="period-1-costs.pdf",
                              data=_pdf(f"{grant.agreement_number} period 1"))
    claims.submit_claim(claim.id, by=coordinator)
    if spec.stage == "claim_paid":
        claims.decide_claim(claim.id, by=finance, approve=True)
        _pay(grant, 2, finance, date.today() - timedelta(days=20))
    return grant


def _transfer(grant: Grant, officer: User, coordinator: User) -> None:
    """The officer proposes moving part of the coordinator's share to the partner, the
    coordinator accepts: version 2, in force from today (after the grant started)."""
    giver, receiver = grant.beneficiaries[:2]
    proposal = amendments.propose(
        grant.id, by=officer, kind="beneficiary_transfer",
        reason="The partner takes over the content migration of work package 2.",
        changes={"giver": str(giver.id), "receiver": str(receiver.id), "amount": "2500.00"})
    amendments.decide(proposal.id, by=coordinator, decision="accept")


def _bank_details(grant: Grant, coordinator: User, finance: User, *, confirm_all: bool) -> None:
    """Every beneficiary's account, confirmed; with `confirm_all` False the last one still
    waits for the finance officer, who finds it on *Payment batches*."""
    for index, beneficiary in enumerate(grant.beneficiaries):
        iban, bic = DEMO_ACCOUNTS[index % len(DEMO_ACCOUNTS)]
        change = bank_accounts.request_change(beneficiary.id, by=coordinator, iban=iban,
                                              bic=bic, holder=beneficiary.organisation.name)
        if confirm_all or index < len(grant.beneficiaries) - 1:
            bank_accounts.decide_change(change.id, by=finance, confirm=True)


def _pay(grant: Grant, sequence: int, finance: User, value_date: date) -> None:
    installment = next(i for i in grant.installments if i.sequence == sequence)
    disbursements.execute_installment(
        installment.id, by=finance, value_date=value_date,
        bank_reference=f"SEPA-{grant.agreement_number}-{sequence}",
        idempotency_key=f"demo-{grant.agreement_number}-{sequence}")


def seed_grants() -> list[Grant]:
    """Create the demo grants once; when the call already has grants, change nothing.

    Needs seed_demo()'s users, funder and calls; returns the call's grants.
    """
    call = db.session.scalar(select(Call).where(Call.reference == DEMO_CALL))
    people = {email: _user(email) for email in (OFFICER, FINANCE, COORDINATOR, PARTNER)}
    if call is None or None in people.values():
        return []
    existing = list(db.session.scalars(select(Grant).where(Grant.call_id == call.id)
                                       .order_by(Grant.id)))
    if existing:
        return existing
    applications = _applications(call, people[COORDINATOR], people[PARTNER], people[OFFICER])
    grants = [_grant(application, spec, people)
              for application, spec in zip(applications, DEMO_GRANTS, strict=False)]
    db.session.commit()
    return grants
