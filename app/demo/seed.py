"""Seed the demo idempotently: a funder, one user per role, real CORDIS organisations."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app.accounts.models import Funder, Organisation, Role, User
from app.accounts.services.passwords import hash_password
from app.core.extensions import db
from app.demo.applications import seed_applications
from app.demo.calls import seed_calls
from app.demo.cordis import load_organisations
from app.demo.directory import seed_directory
from app.demo.evaluation import seed_evaluation
from app.demo.events import seed_events
from app.demo.grants import seed_grants
from app.demo.opendata import seed_open_data

DEMO_PASSWORD = "opencall-demo"
DEMO_ORGANISATIONS = 24


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    roles: tuple[Role, ...]
    staff: bool = False


DEMO_USERS = (
    DemoUser("admin@demo.opencall.eu", "Ada Admin", (Role.admin,), staff=True),
    DemoUser("officer@demo.opencall.eu", "Paolo Officer", (Role.programme_officer,), staff=True),
    DemoUser("finance@demo.opencall.eu", "Fiona Finance", (Role.finance_officer,), staff=True),
    DemoUser("expert@demo.opencall.eu", "Eva Expert", (Role.evaluator,)),
    DemoUser("expert2@demo.opencall.eu", "Erik Expert", (Role.evaluator,)),
    DemoUser("expert3@demo.opencall.eu", "Elena Expert", (Role.evaluator,)),
    DemoUser("coordinator@demo.opencall.eu", "Carla Coordinator", (Role.applicant,)),
    DemoUser("partner@demo.opencall.eu", "Piotr Partner", (Role.applicant,)),
    DemoUser("organiser@demo.opencall.eu", "Olga Organiser", (Role.organiser,), staff=True),
    DemoUser("adviser@demo.opencall.eu", "Andrej Adviser", (Role.adviser,)),
)


def _funder() -> Funder:
    funder = db.session.scalar(select(Funder).where(Funder.short_name == "CADSES-ICT"))
    if funder is None:
        funder = Funder(name="CADSES Regional ICT Agency", short_name="CADSES-ICT",
                        country="AT", website="https://example.org/cadses-ict")
        db.session.add(funder)
    return funder


def _organisations() -> list[Organisation]:
    # Firms and research centres first: they are the consortia the calls are for.
    rows = sorted(load_organisations(), key=lambda org: org.org_type == "OTH")
    organisations = []
    for row in rows[:DEMO_ORGANISATIONS]:
        identifier = f"PIC {row.pic}"
        org = db.session.scalar(select(Organisation).where(Organisation.identifier == identifier))
        if org is None:
            org = Organisation(
                name=row.name, short_name=(row.short_name or "")[:80] or None,
                country=row.country,
                org_type=row.org_type, is_sme=row.is_sme, identifier=identifier,
                website=row.website, fields_of_science=sorted(row.fields_of_science),
                description=row.description)
            db.session.add(org)
        organisations.append(org)
    return organisations


def seed_demo() -> list[DemoUser]:
    """Create what is missing and leave what exists: running it twice changes nothing."""
    funder = _funder()
    organisations = _organisations()
    firm = next(o for o in organisations if o.org_type == "PRC")
    research = next(o for o in organisations if o.org_type in ("REC", "HES")
                    and o.country != firm.country)
    affiliation = {"coordinator@demo.opencall.eu": firm, "partner@demo.opencall.eu": research}
    password_hash = hash_password(DEMO_PASSWORD, current_app.config["PASSWORD_HASH_PARAMS"])
    for demo in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == demo.email))
        if user is None:
            user = User(email=demo.email, name=demo.name, password_hash=password_hash,
                        funder=funder if demo.staff and Role.admin not in demo.roles else None,
                        organisation=affiliation.get(demo.email))
            db.session.add(user)
        for role in demo.roles:
            user.grant(role)
    calls = seed_calls(funder)
    db.session.flush()
    seed_applications(organisations, calls, password_hash=password_hash)
    seed_directory()
    db.session.commit()
    seed_evaluation()
    seed_grants()
    seed_events(funder, organisations)
    seed_open_data()
    db.session.commit()
    return list(DEMO_USERS)
