"""Benchmark: partner suggestions over 10,000 generated organisations, pure and via the database."""

import argparse
import random
import shutil
import statistics
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from app.applications.rules.eligibility import Member
from app.calls.rules.countries import ASSOCIATED_COUNTRIES, EU_MEMBER_STATES
from app.core.classifications import FORD_SUBFIELDS
from app.directory.rules.suggestions import Candidate, suggest_partners

COUNTRIES = sorted(EU_MEMBER_STATES) * 3 + sorted(ASSOCIATED_COUNTRIES) + ["US", "CN", "BR", "IN"]
ORG_TYPES = ["PRC"] * 8 + ["HES"] * 4 + ["REC"] * 3 + ["PUB"] * 2 + ["OTH"] * 3
VOCABULARY = """broadband wireless fibre network sensors robotics vision agriculture farms
tourism hotels cloud software accounting invoicing logistics ports shipping energy grid
solar batteries health clinics telemedicine education learning platforms web content
management commerce shops payments security privacy data analytics maps satellites
water floods forests heritage museums language translation manufacturing machines""".split()

ICT_AGGREGATION = {"min_partners": 2, "min_countries": 2, "eligible_countries": "EU_MS",
                   "min_research_partners": 1, "min_firm_partners": 1,
                   "min_fields_of_science": 2, "field_level": 1}
HORIZON_EUROPE = {"min_partners": 3, "min_countries": 3, "min_member_state_partners": 1,
                  "eligible_countries": "EU_MS+HE_ASSOCIATED",
                  "require_independent_partners": True}
FIRM = Member(key="firm", name="Firm", country="DE", org_type="PRC", is_sme=True,
              fields_of_science=("2.2",))
# (label, consortium, rules): what fails decides how many candidates pass the prefilter.
SCENARIOS = (
    ("lone firm, ICT aggregation rule (4 checks fail)", (FIRM,), ICT_AGGREGATION),
    ("two German members, Horizon Europe rule (2 fail)",
     (FIRM, Member(key="lab", name="Lab", country="DE", org_type="REC")), HORIZON_EUROPE),
    ("firm + lab, fields of science only (1 fails)",
     (FIRM, Member(key="lab", name="Lab", country="AT", org_type="REC",
                   fields_of_science=("2.1",))), {**ICT_AGGREGATION, "min_fields_of_science": 3}),
)
ABSTRACT = "Wireless broadband and robotics for farms and tourism in mountain villages."
ICT = ("broadband", "cloud_software")  # the application's ICT categories
ICT_INTERESTS = ["broadband", "online_communication", "web_content_management", "e_commerce",
                 "cloud_software", "other"]


def generate(count: int, seed: int = 7) -> list[dict]:
    """Organisations as plain rows: id, name, country, type, SME, fields, controller, text."""
    rng = random.Random(seed)
    subfields = sorted(FORD_SUBFIELDS)
    rows = []
    for n in range(1, count + 1):
        org_type = rng.choice(ORG_TYPES)
        rows.append({
            "id": n, "name": f"Organisation {n:05d}", "country": rng.choice(COUNTRIES),
            "org_type": org_type, "is_sme": org_type == "PRC" and rng.random() < 0.6,
            "fields_of_science": rng.sample(subfields, rng.randint(0, 3)),
            "controller_id": rng.randint(1, n - 1) if n > 1 and rng.random() < 0.02 else None,
            "text": " ".join(rng.choices(VOCABULARY, k=rng.randint(15, 60))),
            "looking": rng.random() < 0.4,
            "ict_interests": rng.sample(ICT_INTERESTS, rng.randint(0, 2)),
        })
    return rows


def candidates_of(rows: list[dict]) -> list[Candidate]:
    return [Candidate(key=str(r["id"]), name=r["name"], country=r["country"],
                      org_type=r["org_type"], is_sme=r["is_sme"],
                      fields_of_science=tuple(r["fields_of_science"]),
                      controller=str(r["controller_id"]) if r["controller_id"] else None,
                      text=r["text"], looking_for_partners=r["looking"],
                      ict_interests=tuple(r["ict_interests"])) for r in rows]


def time_pure(rows: list[dict], repeat: int) -> None:
    candidates = candidates_of(rows)
    print(f"Pure ranking (app/directory/suggestions.py), {len(candidates):,} candidates, "
          f"best and median of {repeat}:")
    for label, members, rules in SCENARIOS:
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            result = suggest_partners(members, rules, candidates, application_text=ABSTRACT,
                                      application_ict=ICT)
            timings.append(time.perf_counter() - started)
        print(f"  {label:<50} {min(timings) * 1000:7.1f} ms  "
              f"{statistics.median(timings) * 1000:7.1f} ms   "
              f"({result.helpful_count:,} helpful, top fixes "
              f"{len(result.suggestions[0].fixes) if result.suggestions else 0})")


def time_database(rows: list[dict], repeat: int, database_url: str | None) -> None:
    """The service the page calls: load the consortium and every organisation, then rank."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, text

    from app.accounts.models import Funder, Organisation, Role, User
    from app.applications.models import Application, Participant, ParticipantRole
    from app.applications.services.checklist import build_checklist
    from app.calls.models import Call
    from app.core.database import utcnow
    from app.core.extensions import db
    from app.directory.models import OrganisationProfile
    from app.directory.services.search import rebuild_index
    from app.directory.services.suggestions import suggestion_result
    from app.factory import create_app

    workdir = Path(tempfile.mkdtemp(prefix="opencall-bench-"))
    url = database_url or f"sqlite:///{workdir / 'bench.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, FILES_DIR=workdir)
    with app.app_context():
        upgrade()
        db.session.execute(insert(Organisation), [
            {key: r[key] for key in ("id", "name", "country", "org_type", "is_sme",
                                     "fields_of_science", "controller_id")}
            | {"created_at": utcnow()} for r in rows])
        db.session.execute(insert(OrganisationProfile), [
            {"organisation_id": r["id"], "looking_for_partners": r["looking"],
             "competencies": r["text"], "offer": "", "tags": [],
             "ict_interests": r["ict_interests"],
             "is_email_public": False, "is_phone_public": False, "is_website_public": True,
             "is_contact_name_public": False, "updated_at": utcnow()} for r in rows])
        if db.engine.dialect.name == "postgresql":  # the rows above carried their own ids
            db.session.execute(text("SELECT setval(pg_get_serial_sequence('organisations', 'id'),"
                                    " (SELECT max(id) FROM organisations))"))
        rebuild_index()
        funder = Funder(name="Bench funder", short_name="BF", country="AT")
        now = utcnow()
        call = Call(funder=funder, reference="BENCH-01", title="Bench call",
                    budget_amount=Decimal("1000000.00"),
                    max_per_proposal_amount=Decimal("500000.00"),
                    opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30),
                    status="published", eligibility_rules=ICT_AGGREGATION)
        firm = Organisation(name="Bench firm", country="DE", org_type="PRC", is_sme=True,
                            fields_of_science=["2.2"])
        user = User(email="bench@example.org", name="Bench", organisation=firm)
        user.grant(Role.applicant)
        application = Application(call=call, acronym="BENCH", title="Broadband robotics",
                                  abstract=ABSTRACT, ict_categories=list(ICT),
                                  created_by=user)
        application.participants.append(Participant(
            organisation=firm, contact_user=user, role=ParticipantRole.COORDINATOR,
            invited_email=user.email, accepted_at=now, fields_of_science=["2.2"]))
        db.session.add(application)
        db.session.flush()
        build_checklist(application, store=True)
        db.session.commit()
        timings = []
        for _ in range(repeat):
            db.session.expire_all()
            started = time.perf_counter()
            result = suggestion_result(application)
            timings.append(time.perf_counter() - started)
        dialect = db.engine.dialect.name
        print(f"Through the database ({dialect}: load the consortium and {len(rows):,} "
              f"organisations, then rank), best and median of {repeat}:")
        print(f"  {'lone firm, ICT aggregation rule (4 checks fail)':<50} "
              f"{min(timings) * 1000:7.1f} ms  {statistics.median(timings) * 1000:7.1f} ms   "
              f"({result.helpful_count:,} helpful)")
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000, help="organisations to generate")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure")
    parser.add_argument("--database-url", default=None,
                        help="an empty database to use (default: a temporary SQLite file)")
    parser.add_argument("--no-database", action="store_true", help="time the pure ranking only")
    args = parser.parse_args()
    rows = generate(args.count)
    time_pure(rows, args.repeat)
    if not args.no_database:
        time_database(rows, args.repeat, args.database_url)


if __name__ == "__main__":
    main()
