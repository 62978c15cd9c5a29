"""The scale data of bench.pages: the real Horizon 2020 consortia of bench/data (CORDIS, as
bench.eligibility_cordis reads them) as submitted applications of one call under evaluation,
their participants as directory organisations, three experts per proposal, an approved consensus
for each, and grants with beneficiaries and payments due; bulk inserts in batches, so the
issue's 31,451 consortia take a minute or two, not hours."""

import itertools
import random
from datetime import timedelta
from decimal import Decimal

import pyotp
from sqlalchemy import insert

from bench.eligibility_cordis import read_consortia

PASSWORD = "bench-password-2027"
SECRET = pyotp.random_base32()
BATCH = 5000
APPLICANT_SHARE = 50


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
    # The bench applicant is the coordinator's contact in one consortium of every 50 (629 of
    # the 31,451): a busy consultant's "my" lists, not one person in every consortium.
    # And of the smallest consortium, which lacks partners: partner suggestions search the
    # whole directory only for one (for a complete consortium they search nothing).
    lonely = min(zip(application_ids, projects, strict=True),
                 key=lambda pair: (len({m.key for m in pair[1][1]}), pair[0]))[0]
    mine = application_ids[::APPLICANT_SHARE]
    contact_of = {*mine, lonely}
    for application_id, (_, members) in zip(application_ids, projects, strict=True):
        seen = set()
        for index, member in enumerate(members):
            if member.key in seen:
                continue
            seen.add(member.key)
            participant_rows.append({
                "application_id": application_id, "organisation_id": organisation_ids[member.key],
                "role": "coordinator" if index == 0 else "partner", "accepted_at": now,
                "contact_user_id": people["coordinator"].id
                if index == 0 and application_id in contact_of else None,
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
        # The shape build_snapshot (app/applications/services/snapshot.py) gives.
        snapshot = {
            "number": 1, "submitted_at": (call.closes_at - timedelta(days=2)).isoformat(),
            "call": {"id": call.id, "reference": call.reference, "title": call.title,
                     "kind": call.kind, "currency": call.currency},
            "application": {"id": application_id, "acronym": f"H2020-{rcn}",
                            "title": f"Consortium {rcn}", "abstract": f"Consortium {rcn}.",
                            "duration_months": 24, "strategic_area": areas[n % len(areas)],
                            "ict_categories": ["broadband"], "bid_price": None},
            "participants": [{
                "id": participant_id, "role": "coordinator" if i == 0 else "partner",
                "organisation": {"id": organisation_id, "name": f"PIC {m.key}",
                                 "short_name": None, "country": m.country,
                                 "org_type": m.org_type, "is_sme": False,
                                 "controller_id": None},
                "fields_of_science": [], "key_personnel_women": rng.choice([None, 1, 2]),
                "key_personnel_men": rng.choice([None, 1, 2]),
                "budget": {"lines": [], "direct": str(share), "indirect": "0",
                           "eligible": str(share), "requested": str(share),
                           "funding_rate": "1"}}
                for i, (m, (participant_id, organisation_id)) in enumerate(
                    zip([pics[key] for key in dict.fromkeys(m.key for m in members)],
                        first_participants[application_id], strict=True))],
            "budget": {"requested": str(requested), "eligible": str(requested),
                       "by_ict_category": {"broadband": str(requested)},
                       "open_source_share": "0"},
            "attachments": [], "eligibility": {"passed": True, "checks": []}}
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
    assignment_ids = _bulk(Assignment, assignment_rows)
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
    return {"call": call.id, "ref": call.reference, "application": mine[-1], "lonely": lonely,
            "grant": grant_ids[0], "assignment": assignment_ids[0],
            "organisation": next(iter(organisation_ids.values())), "secret": SECRET,
            "emails": {k: u.email for k, u in people.items()},
            "consortia": len(projects), "participants": len(participant_rows),
            "organisations": len(pics), "grants": len(grant_ids)}
