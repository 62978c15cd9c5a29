"""Demo consortia of real CORDIS organisations: a draft that fails one check, submitted ones."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.accounts.models import Organisation, Role, User
from app.applications.models import (
    Application,
    ApplicationStatus,
    Attachment,
    BudgetLineRow,
    Participant,
    ParticipantRole,
)
from app.applications.services.attachments import required_documents
from app.applications.services.checklist import build_checklist
from app.applications.services.submission import record_submission
from app.calls.models import Call
from app.core import storage
from app.core.extensions import db
from app.core.pdf import html_to_pdf

DRAFT_CALL = "CADSES-ICT-2027-01"
CLOSED_CALL = "CADSES-ICT-2026-09"
COORDINATOR_EMAIL = "coordinator@demo.opencall.eu"

# (cost category, ICT category, amount, open source, description)
Line = tuple[str, str, str, bool, str]
FIRM_LINES: tuple[Line, ...] = (
    ("A", "web_content_management", "48000.00", True, "Developers and content editors"),
    ("C2", "broadband", "12000.00", False, "Fibre connection and routers"),
    ("C1", "online_communication", "3500.00", False, "Consortium meetings"),
)
RESEARCH_LINES: tuple[Line, ...] = (
    ("A", "online_communication", "62000.00", True, "Researchers on usability and reach"),
    ("B", "web_content_management", "8000.00", False, "Accessibility audit"),
    ("C1", "online_communication", "4200.00", False, "Workshops with the firms"),
)


@dataclass(frozen=True)
class DemoMember:
    pic: str
    fields_of_science: tuple[str, ...]
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class DemoConsortium:
    call: str
    acronym: str
    title: str
    abstract: str
    area: str
    ict: tuple[str, ...]
    members: tuple[DemoMember, ...]  # the coordinator first
    submitted_days_before_close: tuple[int, ...] = ()  # one entry per submission
    # When this demo user exists, their organisation coordinates instead of the first PIC.
    coordinator_email: str | None = None


def _firm(pic: str, *fields: str) -> DemoMember:
    return DemoMember(pic, fields, FIRM_LINES)


def _research(pic: str, *fields: str) -> DemoMember:
    return DemoMember(pic, fields, RESEARCH_LINES)


DEMO_CONSORTIA = (
    # Two firms from Sweden and Spain: everything is fine except that no research
    # organisation has joined yet, which the live checklist says in plain words.
    DemoConsortium(DRAFT_CALL, "NORDSUD", "Shared web shops for Nordic and Iberian SMEs",
                   "Two small firms build a common open-source web shop and booking platform.",
                   "Digital single market", ("web_content_management", "broadband"),
                   (_firm("884902192", "2.2", "1.2"), _firm("888744265", "3.2")),
                   coordinator_email=COORDINATOR_EMAIL),
    DemoConsortium(CLOSED_CALL, "WEBTOUR", "Web content for small hotels of the Adriatic",
                   "A content platform for family hotels, with Venice and Potsdam researchers.",
                   "Tourism", ("web_content_management",),
                   (_firm("896926700", "2.2"), _research("999897341", "6.2"),
                    _research("999854855", "5.4")), (12,)),
    DemoConsortium(CLOSED_CALL, "DANUBEWEB", "Multilingual booking for Danube tourism firms",
                   "Language technology for booking sites of small tourism firms.",
                   "Tourism", ("online_communication", "web_content_management"),
                   (_firm("885089790", "6.2"), _research("999506722", "1.2"),
                    _research("999987745", "6.1")), (9,)),
    DemoConsortium(CLOSED_CALL, "ADRIACMS", "Accessible tourism content for island SMEs",
                   "Accessible web content for tourism firms on the Greek and Spanish islands.",
                   "Tourism", ("web_content_management",),
                   (_firm("888744265", "3.3"), _research("999995893", "1.2")), (20, 8)),
    DemoConsortium(CLOSED_CALL, "ALPSHOP", "Online communication for alpine guest houses",
                   "Messaging and web content tools for small guest houses in the Alps.",
                   "Tourism", ("online_communication",),
                   (_firm("884902192", "2.2"), _research("999990267", "1.2"),
                    _research("999997736", "5.2")), (5,)),
    DemoConsortium(CLOSED_CALL, "LAGOON", "Open data on visitor flows for lagoon towns",
                   "Researchers and a web agency publish open visitor data for small towns.",
                   "Tourism", ("web_content_management", "online_communication"),
                   (_research("999981634", "5.7"), _firm("896926700", "2.2"),
                    _research("940963536", "5.2")), (3,)),
)


def _contact(organisation: Organisation, password_hash: str) -> User:
    """The organisation's first user, or a demo contact who can sign in with the demo password."""
    user = db.session.scalar(select(User).where(User.organisation_id == organisation.id)
                             .order_by(User.id).limit(1))
    if user is None:
        pic = (organisation.identifier or str(organisation.id)).removeprefix("PIC ")
        user = User(email=f"contact-{pic}@demo.opencall.eu",
                    name=f"Contact at {organisation.short_name or organisation.name[:60]}",
                    password_hash=password_hash, organisation=organisation)
        user.grant(Role.applicant)
        db.session.add(user)
        db.session.flush()
    return user


def _annex(application: Application, by: User, at: datetime) -> None:
    """A generated technical annex for each document the call asks for."""
    for document in required_documents(application):
        data = html_to_pdf(f"<html><body><h1>{application.acronym}: {document['name']}</h1>"
                           f"<p>{application.title}.</p><p>{application.abstract}</p>"
                           "</body></html>")
        key = storage.new_key(f"applications/{application.id}", ".pdf")
        digest = storage.save(key, data)
        application.attachments.append(Attachment(
            kind=document["code"], filename=f"{application.acronym.lower()}-annex.pdf",
            size=len(data), sha256=digest, storage_key=key, uploaded_by_id=by.id,
            uploaded_at=at))


def _members(spec: DemoConsortium, organisations: dict[str, Organisation]):
    """(member, organisation) pairs; the demo coordinator's own organisation leads if set."""
    pairs = [(member, organisations[member.pic]) for member in spec.members]
    user = spec.coordinator_email and db.session.scalar(
        select(User).where(User.email == spec.coordinator_email))
    if user and user.organisation is not None:
        others = [(m, org) for m, org in pairs[1:] if org.id != user.organisation_id]
        pairs = [(pairs[0][0], user.organisation), *others]
    return pairs


def _build(spec: DemoConsortium, call: Call, organisations: dict[str, Organisation],
           password_hash: str) -> Application:
    pairs = _members(spec, organisations)
    contacts = [_contact(org, password_hash) for _, org in pairs]
    first_submit = call.closes_at - timedelta(days=max(spec.submitted_days_before_close,
                                                      default=0) + 10)
    joined_at = min(first_submit, call.opens_at + timedelta(days=2))
    application = Application(
        call=call, acronym=spec.acronym, title=spec.title, abstract=spec.abstract,
        duration_months=24, strategic_area=spec.area, ict_categories=list(spec.ict),
        created_by_id=contacts[0].id, status=ApplicationStatus.DRAFT, created_at=joined_at)
    for index, ((member, organisation), contact) in enumerate(zip(pairs, contacts,
                                                                      strict=True)):
        participant = Participant(
            organisation=organisation, contact_user_id=contact.id,
            role=ParticipantRole.COORDINATOR if index == 0 else ParticipantRole.PARTNER,
            invited_email=contact.email, invited_at=joined_at, accepted_at=joined_at,
            fields_of_science=list(member.fields_of_science))
        for category, ict, amount, open_source, description in member.lines:
            participant.budget_lines.append(BudgetLineRow(
                category=category, ict_category=ict, amount=Decimal(amount),
                open_source=open_source, description=description))
        application.participants.append(participant)
    db.session.add(application)
    db.session.flush()
    build_checklist(application, store=True)
    for number, days in enumerate(sorted(spec.submitted_days_before_close, reverse=True), 1):
        at = call.closes_at - timedelta(days=days, hours=3)
        if number == 1:
            _annex(application, contacts[0], at - timedelta(hours=1))
            db.session.flush()
        record_submission(application, by=contacts[0], at=at, notify=False,
                          idempotency_key=f"demo-{spec.acronym}-{number}")
    return application


def seed_applications(organisations: list[Organisation], calls: list[Call], *,
                      password_hash: str) -> list[Application]:
    """Create the demo consortia that are missing (by call and acronym); idempotent.

    `organisations` are the seeded CORDIS organisations (identifier "PIC <pic>"),
    `calls` the demo calls, `password_hash` the demo password's hash for contact users.
    """
    db.session.flush()
    by_pic = {org.identifier.removeprefix("PIC "): org for org in organisations
              if org.identifier}
    by_reference = {call.reference: call for call in calls}
    made = []
    for spec in DEMO_CONSORTIA:
        call = by_reference.get(spec.call)
        if call is None or any(member.pic not in by_pic for member in spec.members):
            continue
        application = db.session.scalar(select(Application).where(
            Application.call_id == call.id, Application.acronym == spec.acronym))
        if application is None:
            application = _build(spec, call, by_pic, password_hash)
        made.append(application)
    return made
