"""Benchmark: every long page at scale data, beside a bare endpoint.

    python -m bench.pages                 # --scale 0.05: 1,573 consortia, 250 grants
    python -m bench.pages --scale 1       # the issue's data: 31,451 consortia, 5,000 grants

It makes two fresh PostgreSQL databases (127.0.0.1:5432) by `flask db upgrade`, seeds each with
bulk inserts: the real Horizon 2020 consortia of bench/data (CORDIS, as bench.eligibility_cordis
reads them) as submitted applications of one call under evaluation, their participants as
directory organisations, three experts per proposal, an approved consensus for each, and grants
with beneficiaries and payments due. The first database is small (--small consortia), the second
at --scale. For every page it then signs the page's user in and measures, in this process through
Flask's test client, the CPU time per request (the app's work and the test client's, as for the
bare endpoint), the SQL statements per request and the HTML size; the bare endpoint runs one
SELECT and renders a small template. Verdict per page, as the issue sets them: at most 10 ms of
CPU, at least 0.3 (detail pages) or 0.2 (list pages) of the bare endpoint's rate, the same SQL
count on both data sets, at most 500 KB of HTML.
"""

import argparse
import itertools
import os
import random
import resource
import sys
import time
from datetime import timedelta
from decimal import Decimal

import pyotp
from sqlalchemy import event, insert, select, text

from bench.databases import create_database, drop_database
from bench.eligibility_cordis import read_consortia

PASSWORD = "bench-password-2027"
SECRET = pyotp.random_base32()
CONSORTIA, GRANTS = 31451, 5000
CPU_BUDGET_MS, HTML_BUDGET = 10.0, 500_000
RATE_BUDGET = {"detail": 0.3, "list": 0.2}
BATCH = 5000

# (name, kind, user, address; {call}, {ref}, {application}, {grant} filled in), measured in
# this order; "bare" first.
PAGES = [
    ("bare endpoint", "detail", "officer", "/bench/bare"),
    ("call list", "list", "officer", "/calls/"),
    ("call page", "detail", "officer", "/calls/{ref}"),
    ("screening list", "list", "officer", "/applications/call/{ref}"),
    ("application review", "detail", "officer", "/applications/{application}/review"),
    ("my evaluations", "list", "expert", "/evaluation/"),
    ("evaluation call page", "list", "officer", "/evaluation/calls/{call}"),
    ("ranking", "list", "officer", "/evaluation/calls/{call}/ranking"),
    ("grants", "list", "officer", "/grants/"),
    ("grant page", "detail", "finance", "/grants/{grant}"),
    ("grants overview", "list", "finance", "/grants/overview"),
    ("reports", "list", "finance", "/reports/"),
    ("beneficiary search", "list", "finance", "/reports/beneficiaries?q=pic%209"),
]


def make_app(url: str, files: str):
    from flask import render_template

    from app.core.access import public
    from app.core.extensions import db
    from app.factory import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, FILES_DIR=files,
                     JOBS_MODE="eager")

    # Compiled once, as a template file is: compiling it on each request made the bare
    # endpoint a third dearer than it is, and every page's rate against it look better.
    small = app.jinja_env.from_string("<!doctype html><title>{{ n }}</title><p>{{ n }}</p>")

    @public
    def bare():
        """What every page pays anyway: one SELECT and a small template."""
        name = db.session.scalar(text("SELECT 'OpenCall'"))
        return render_template(small, n=name)

    app.add_url_rule("/bench/bare", "bench_bare", bare)
    return app


def _bulk(model, rows: list[dict]) -> list[int]:
    """Insert `rows` in batches; their ids in order."""
    from app.core.extensions import db

    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        ids += db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True),
                                  rows[start:start + BATCH]).all()
    return ids


def seed(consortia: int, grants: int) -> dict:
    """The data set (inside an app context); the ids the pages need."""
    from flask import current_app

    from app.accounts.models import Funder, Organisation, Role, SecondFactor, User
    from app.accounts.services.passwords import hash_password
    from app.applications.models import Application, Participant, Submission
    from app.applications.rules.submitted_fields import submitted_fields
    from app.calls.models import Call
    from app.calls.rules.criteria import CRITERIA_PRESETS, validate_criteria
    from app.calls.rules.eligibility_rules import RULE_PRESETS, validate_rules
    from app.calls.rules.lifecycle import CallKind, CallStatus
    from app.core.database import utcnow
    from app.core.extensions import db
    from app.evaluation.models import Assignment, Consensus
    from app.grants.models import Grant, GrantBeneficiary, Installment

    rng = random.Random(18)
    now = utcnow()
    hashed = hash_password(PASSWORD, current_app.config["PASSWORD_HASH_PARAMS"])
    funder = Funder(name="Bench funder", short_name="BENCH", country="AT")
    call = Call(funder=funder, reference="BENCH-2027-01", kind=CallKind.GRANT,
                title="ICT investments at scale", summary="Benchmark call",
                budget_amount=Decimal("500000000.00"), max_per_proposal_amount=Decimal(
                    "50000000.00"), funding_rates={"default": "1.00", "by_org_type": {}},
                payment_model={"prefinancing_rate": "0.40", "retention_rate": "0.05",
                               "interim_count": 1, "ceiling_rate": "0.90"},
                opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=10),
                status=CallStatus.UNDER_EVALUATION,
                eligibility_rules=validate_rules(RULE_PRESETS["horizon_europe"].document),
                award_criteria=validate_criteria(CRITERIA_PRESETS["horizon_europe_ria"].document))
    db.session.add(call)
    people = {}
    for key, role, email in (("officer", Role.programme_officer, "officer"),
                             ("finance", Role.finance_officer, "finance"),
                             ("coordinator", Role.applicant, "coordinator")):
        user = User(email=f"{email}@bench.example.org", name=key.title(), password_hash=hashed,
                    funder=funder if key != "coordinator" else None)
        user.grant(role)
        people[key] = user
    experts = []
    for n in range(30):
        expert = User(email=f"expert{n}@bench.example.org", name=f"Expert {n}",
                      password_hash=hashed)
        expert.grant(Role.evaluator)
        experts.append(expert)
    staff = list(people.values())
    people["expert"] = experts[0]
    db.session.add_all([*staff, *experts])
    db.session.flush()
    for user in [*staff, *experts]:
        db.session.add(SecondFactor(user_id=user.id, secret=SECRET, confirmed_at=now))
    db.session.flush()

    projects = list(itertools.islice(read_consortia(), consortia))
    pics = {}
    for _, members in projects:
        for member in members:
            pics.setdefault(member.key, member)
    organisation_ids = dict(zip(pics, _bulk(Organisation, [
        {"name": f"PIC {pic}", "country": m.country, "org_type": m.org_type or "OTH",
         "is_sme": False, "fields_of_science": []} for pic, m in pics.items()]), strict=True))

    areas = ["tourism", "farming", "crafts", "health", None]
    funded = set(range(grants))
    awaiting = set(range(grants, grants + max(3, grants // 10)))
    application_ids = _bulk(Application, [
        {"call_id": call.id, "acronym": f"H2020-{rcn}"[:30], "title": f"Consortium {rcn}",
         "status": "grant" if n in funded else ("funded" if n in awaiting
                                                 else "under_evaluation"),
         "created_by_id": people["coordinator"].id, "strategic_area": areas[n % len(areas)],
         "submitted_at": call.closes_at - timedelta(days=2), "ict_categories": ["broadband"],
         "eligibility_report": {}} for n, (rcn, _) in enumerate(projects)])
    participant_rows, first_participants = [], {}
    for application_id, (_, members) in zip(application_ids, projects, strict=True):
        seen = set()
        for index, member in enumerate(members):
            if member.key in seen:
                continue
            seen.add(member.key)
            participant_rows.append({
                "application_id": application_id, "organisation_id": organisation_ids[member.key],
                "role": "coordinator" if index == 0 else "partner", "accepted_at": now,
                "invited_at": now, "fields_of_science": []})
    participant_ids = _bulk(Participant, participant_rows)
    for participant_id, row in zip(participant_ids, participant_rows, strict=True):
        first_participants.setdefault(row["application_id"], []).append(
            (participant_id, row["organisation_id"]))

    submission_rows = []
    for n, (application_id, (rcn, members)) in enumerate(
            zip(application_ids, projects, strict=True)):
        requested = Decimal(rng.randrange(100_000, 2_000_000)).quantize(Decimal("0.01"))
        share = (requested / len(members)).quantize(Decimal("0.01"))
        snapshot = {"application": {"id": application_id, "acronym": f"H2020-{rcn}",
                                    "title": f"Consortium {rcn}",
                                    "strategic_area": areas[n % len(areas)]},
                    "participants": [{"organisation": {"name": f"PIC {m.key}",
                                                       "country": m.country,
                                                       "org_type": m.org_type},
                                      "role": "coordinator" if i == 0 else "partner",
                                      "budget": {"requested": str(share)},
                                      "key_personnel_women": rng.choice([None, 1, 2]),
                                      "key_personnel_men": rng.choice([None, 1, 2])}
                                     for i, m in enumerate(members)],
                    "budget": {"requested": str(requested)}, "attachments": [],
                    "eligibility": {"passed": True, "checks": []}}
        submission_rows.append({
            "application_id": application_id, "number": 1, "snapshot": snapshot,
            "snapshot_sha256": f"{application_id:064d}",
            "submitted_at": call.closes_at - timedelta(days=2),
            "submitted_by_id": people["coordinator"].id,
            "idempotency_key": f"bench-{application_id}", "requested_amount": requested,
            **submitted_fields(snapshot)})
    _bulk(Submission, submission_rows)

    assignment_rows, consensus_rows = [], []
    for n, application_id in enumerate(application_ids):
        team = [experts[(n + k * 7) % len(experts)] for k in range(3)]
        for k, expert in enumerate(team):
            assignment_rows.append({"call_id": call.id, "application_id": application_id,
                                    "expert_id": expert.id, "is_rapporteur": k == 0,
                                    "status": "accepted", "declared_at": now})
        consensus_rows.append({
            "application_id": application_id, "call_id": call.id, "rapporteur_id": team[0].id,
            "scores": {code: str(Decimal(rng.randrange(6, 11)) / 2)
                       for code in ("excellence", "impact", "implementation")},
            "comments": {}, "minority_views": "", "proposal": {}, "status": "approved",
            "submitted_at": now, "approved_by_id": people["officer"].id, "approved_at": now})
    _bulk(Assignment, assignment_rows)
    _bulk(Consensus, consensus_rows)

    start = (now - timedelta(days=5)).date()
    grant_ids = _bulk(Grant, [
        {"application_id": application_ids[n], "call_id": call.id,
         "agreement_number": f"BENCH-{n:05d}", "status": "signed",
         "requested_amount": Decimal("125000.00"), "eligible_amount": Decimal("125000.00"),
         "awarded_amount": Decimal("125000.00"), "funding_rate": "1", "start_date": start,
         "end_date": start + timedelta(days=730), "duration_months": 24,
         "payment_model": call.payment_model, "prepared_by_id": people["officer"].id,
         "prepared_at": now, "signed_at": now, "signed_by_id": people["officer"].id}
        for n in sorted(funded)])
    beneficiary_rows, installment_rows = [], []
    for n, grant_id in zip(sorted(funded), grant_ids, strict=True):
        members = first_participants[application_ids[n]][:2]
        for index, (participant_id, organisation_id) in enumerate(members):
            beneficiary_rows.append({
                "grant_id": grant_id, "participant_id": participant_id,
                "organisation_id": organisation_id,
                "role": "coordinator" if index == 0 else "partner",
                "requested_amount": Decimal("125000.00") / len(members),
                "awarded_amount": Decimal("125000.00") / len(members), "funding_rate": "1"})
        for sequence, (kind, amount, days, status) in enumerate((
                ("prefinancing", "50000.00", 0, "payable"),
                ("interim", "56250.00", 365, "planned"),
                ("final", "18750.00", 760, "planned")), start=1):
            installment_rows.append({
                "grant_id": grant_id, "kind": kind, "sequence": sequence,
                "planned_amount": Decimal(amount), "due_date": start + timedelta(days=days),
                "condition": kind, "status": status})
    _bulk(GrantBeneficiary, beneficiary_rows)
    _bulk(Installment, installment_rows)
    db.session.commit()
    return {"call": call.id, "ref": call.reference, "application": application_ids[-1],
            "grant": grant_ids[0], "emails": {k: u.email for k, u in people.items()},
            "consortia": len(projects), "participants": len(participant_rows),
            "organisations": len(pics), "grants": len(grant_ids)}


def sign_in(app, client, email: str) -> None:
    """Through the real forms: the password, then the authenticator's code. The requests run
    outside any app context of ours, as a server's would."""
    import re

    from app.accounts.models import SecondFactor, User
    from app.core.extensions import db

    def token(url: str) -> str:
        html = client.get(url).get_data(as_text=True)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    with app.app_context():  # a code is accepted once per 30 s step: forget the last one
        factor = db.session.scalar(select(SecondFactor).join(
            User, User.id == SecondFactor.user_id).where(User.email == email))
        factor.last_step = None
        db.session.commit()
    first = client.post("/accounts/login", data={"email": email, "password": PASSWORD,
                                                 "csrf_token": token("/accounts/login")})
    assert first.status_code == 302, f"{email}: password refused ({first.status_code})"
    response = client.post("/accounts/login/code", data={
        "code": pyotp.TOTP(SECRET).now(), "csrf_token": token("/accounts/login/code")})
    assert response.status_code == 302, f"{email}: code refused ({response.status_code})"


def measure(app, ids: dict, repeats: int) -> dict[str, dict]:
    from app.core.extensions import db

    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    results = {}
    clients = {}
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for name, kind, who, template in PAGES:
            if who not in clients:
                clients[who] = app.test_client()
                sign_in(app, clients[who], ids["emails"][who])
            client = clients[who]
            url = template.format(**ids)
            for _ in range(2):  # warm: templates, mappers, caches
                response = client.get(url)
            times = []
            rounds = max(1, repeats if name != "ranking" else repeats // 5)
            for _ in range(rounds):
                statements.clear()
                before = time.process_time()
                response = client.get(url)
                times.append(time.process_time() - before)
            results[name] = {"kind": kind, "status": response.status_code,
                             "cpu_ms": 1000 * sorted(times)[len(times) // 2],
                             "sql": len(statements), "html": len(response.data)}
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return results


def run_on(name: str, consortia: int, grants: int, repeats: int, files: str) -> tuple:
    url = create_database(name)
    app = make_app(url, files)
    try:
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            started = time.perf_counter()
            ids = seed(consortia, grants)
            seeded = time.perf_counter() - started
        return ids, seeded, measure(app, ids, repeats)
    finally:
        with app.app_context():
            from app.core.extensions import db

            db.session.remove()
            db.engine.dispose()
        drop_database(name)


def verdicts(small: dict, large: dict) -> list[tuple]:
    bare = large["bare endpoint"]["cpu_ms"]
    rows = []
    for name, figures in large.items():
        rate = bare / figures["cpu_ms"] if figures["cpu_ms"] else 0.0
        problems = []
        if figures["status"] != 200:
            problems.append(f"HTTP {figures['status']}")
        if figures["cpu_ms"] > CPU_BUDGET_MS:
            problems.append("CPU")
        if name != "bare endpoint" and rate < RATE_BUDGET[figures["kind"]]:
            problems.append("rate")
        if small[name]["sql"] != figures["sql"]:
            problems.append("SQL grows")
        if figures["html"] > HTML_BUDGET:
            problems.append("HTML")
        rows.append((name, figures["kind"], figures["cpu_ms"], rate, small[name]["sql"],
                     figures["sql"], figures["html"],
                     "ok" if not problems else "over budget: " + ", ".join(problems)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.05,
                        help="share of the issue's data (1 = 31,451 consortia, 5,000 grants)")
    parser.add_argument("--small", type=int, default=40, help="consortia of the small data set")
    parser.add_argument("--repeats", type=int, default=20, help="requests measured per page")
    options = parser.parse_args()
    consortia = max(options.small + 1, round(CONSORTIA * options.scale))
    grants = max(10, round(GRANTS * options.scale))
    import tempfile

    with tempfile.TemporaryDirectory() as files:
        _, _, small = run_on("opencall_bench_pages_small", options.small, 10, 3, files)
        ids, seeded, large = run_on("opencall_bench_pages", consortia, grants,
                                    options.repeats, files)
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"scale {options.scale}: {ids['consortia']:,} consortia ({ids['participants']:,} "
          f"participants, {ids['organisations']:,} organisations), {ids['grants']:,} grants; "
          f"seeded in {seeded:.1f} s; small data set {options.small} consortia, 10 grants")
    print(f"{'page':<22}{'kind':<8}{'CPU ms':>8}{'× bare':>8}{'SQL small':>10}{'SQL':>6}"
          f"{'HTML KB':>9}  verdict")
    for name, kind, cpu, rate, sql_small, sql, html, verdict in verdicts(small, large):
        print(f"{name:<22}{kind:<8}{cpu:>8.2f}{rate:>8.2f}{sql_small:>10}{sql:>6}"
              f"{html / 1000:>9.1f}  {verdict}")
    print(f"process peak RSS after every page: {memory:.0f} MB (seeding included)")


if __name__ == "__main__":
    os.environ.setdefault("OPENCALL_CONFIG", "testing")
    sys.exit(main())
