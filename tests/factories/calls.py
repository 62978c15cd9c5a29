"""Creator fixtures for calls: make_call builds a complete call, open unless told otherwise."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest

from app.calls.models import Call
from app.calls.rules.criteria import CRITERIA_PRESETS, validate_criteria
from app.calls.rules.eligibility_rules import RULE_PRESETS, validate_rules
from app.calls.rules.lifecycle import CallKind, CallStatus
from app.core.database import utcnow
from app.core.extensions import db

_sequence = itertools.count(1)


@pytest.fixture
def make_call(app, make_funder):
    def make(*, funder=None, status: CallStatus = CallStatus.PUBLISHED,
             kind: CallKind = CallKind.GRANT, opens_in: timedelta = timedelta(days=-10),
             closes_in: timedelta = timedelta(days=30), rules: str | dict = "horizon_europe",
             criteria: str | dict | None = None, **fields) -> Call:
        now = utcnow()
        if criteria is None:
            criteria = ("tender_price_quality_70_30" if kind == CallKind.TENDER
                        else "horizon_europe_ria")
        n = next(_sequence)
        call = Call(
            funder=funder or make_funder(), reference=fields.pop("reference", f"ICT-2027-{n:02d}"),
            kind=kind, title=fields.pop("title", f"ICT investments in small firms {n}"),
            summary=fields.pop("summary", "Broadband and web content for SMEs."),
            budget_amount=fields.pop("budget_amount", Decimal("2000000.00")),
            max_per_proposal_amount=fields.pop("max_per_proposal_amount", Decimal("500000.00")),
            funding_rates=fields.pop("funding_rates", {"default": "1.00", "by_org_type": {}}),
            opens_at=now + opens_in, closes_at=now + closes_in, status=status,
            eligibility_rules=validate_rules(
                RULE_PRESETS[rules].document if isinstance(rules, str) else rules),
            award_criteria=validate_criteria(
                CRITERIA_PRESETS[criteria].document if isinstance(criteria, str) else criteria),
            **fields)
        db.session.add(call)
        db.session.commit()
        return call

    return make
