"""Demo calls: two open grant calls, an open tender, a closed call waiting for its evaluation
and an earlier one whose results are published and whose funded proposals have grants."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.accounts.models import Funder
from app.calls.models import Call
from app.calls.rules.criteria import CRITERIA_PRESETS, validate_criteria
from app.calls.rules.eligibility_rules import RULE_PRESETS, validate_rules
from app.calls.rules.lifecycle import CallKind, CallStatus
from app.core.database import utcnow
from app.core.extensions import db

BODY = """## What we fund
ICT investments of small firms working with research centres: **broadband**, **online
communication**, **web content management** and **open-source solutions**.

## How to apply
Form a consortium, fill in each partner's budget, and submit before the deadline.
"""

DEMO_CALLS = (
    dict(reference="CADSES-ICT-2027-01", kind=CallKind.GRANT, rules="ict_aggregation",
         criteria="horizon_europe_ria", opens=-20, closes=45,
         title="Transnational ICT aggregations of SMEs and research centres",
         summary="Grants for consortia of firms and research centres from at least two EU "
                 "countries investing in broadband, online communication and web content.",
         areas=["Digital single market", "Regional innovation"],
         ict=["broadband", "online_communication", "web_content_management"]),
    dict(reference="CADSES-ICT-2027-02", kind=CallKind.GRANT, rules="horizon_europe",
         criteria="horizon_europe_ia", opens=-5, closes=60,
         title="Open-source solutions for small firms (Innovation Action)",
         summary="Innovation actions deploying open-source software in SMEs, under the Horizon "
                 "Europe standard consortium rule.",
         areas=["Open source"], ict=["cloud_software", "e_commerce"]),
    dict(reference="CADSES-TND-2027-03", kind=CallKind.TENDER, rules="interreg_central_europe",
         criteria="tender_price_quality_70_30", opens=-3, closes=30,
         title="Tender: regional broadband mapping service",
         summary="A service contract to map broadband coverage for small firms in the region.",
         areas=["Connectivity"], ict=["broadband"]),
    dict(reference="CADSES-ICT-2026-09", kind=CallKind.GRANT, rules="ict_aggregation",
         criteria="horizon_europe_ria", opens=-90, closes=-7,
         title="Web content management for tourism SMEs (closed)",
         summary="Closed call whose proposals are waiting for evaluation.",
         areas=["Tourism"], ict=["web_content_management", "online_communication"]),
    # Closed about 16 months ago: the demo grants (app/demo/grants.py) started after it.
    dict(reference="CADSES-ICT-2025-03", kind=CallKind.GRANT, rules="ict_aggregation",
         criteria="horizon_europe_ria", opens=-540, closes=-480,
         status=CallStatus.RESULTS_PUBLISHED,
         title="Web content and e-commerce for tourism SMEs (results published)",
         summary="Earlier call: its results are published and its funded proposals have grants.",
         areas=["Tourism"], ict=["web_content_management", "online_communication",
                                 "e_commerce", "broadband"]),
)


def seed_calls(funder: Funder) -> list[Call]:
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    calls = []
    for spec in DEMO_CALLS:
        call = db.session.scalar(select(Call).where(Call.reference == spec["reference"]))
        if call is None:
            call = Call(
                funder=funder, reference=spec["reference"], kind=spec["kind"],
                title=spec["title"], summary=spec["summary"], body=BODY,
                strategic_areas=spec["areas"], ict_categories=spec["ict"],
                open_source_preference=True, currency="EUR",
                budget_amount=Decimal("1500000.00"), max_per_proposal_amount=Decimal("400000.00"),
                funding_rates={"default": "1.00", "by_org_type": {"PRC": "0.70"}},
                payment_model={"prefinancing_rate": "0.40", "retention_rate": "0.05",
                               "interim_count": 1, "ceiling_rate": "0.90"},
                opens_at=now + timedelta(days=spec["opens"]),
                closes_at=now + timedelta(days=spec["closes"]), timezone="Europe/Vienna",
                status=spec.get("status", CallStatus.PUBLISHED),
                published_at=now + timedelta(days=spec["opens"]),
                eligibility_rules=validate_rules(RULE_PRESETS[spec["rules"]].document),
                award_criteria=validate_criteria(CRITERIA_PRESETS[spec["criteria"]].document),
                required_attachments=[{"code": "technical_annex", "name": "Technical annex",
                                       "mandatory": True}])
            db.session.add(call)
        calls.append(call)
    return calls
