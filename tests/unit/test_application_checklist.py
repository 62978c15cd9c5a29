"""From rows to the eligibility members and budgets the live checklist reads (no database)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.accounts.models import Organisation
from app.applications.models import Application, BudgetLineRow, Participant
from app.applications.services.checklist import budget_of, build_checklist, members_of, rules_of
from app.calls.models import Call

CLOSES = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)


def _call(**fields) -> Call:
    values = dict(kind="grant", indirect_rate="0.25", eligibility_rules={"min_partners": 2},
                  funding_rates={"default": "1.00", "by_org_type": {"PRC": "0.70"}},
                  max_per_proposal_amount=Decimal("500000.00"), closes_at=CLOSES,
                  timezone="Europe/Brussels", required_attachments=[])
    return Call(**{**values, **fields})


def _participant(pid: int, org: Organisation | None, *, accepted: bool = True,
                 lines: tuple[tuple[str, str], ...] = (("A", "100.00"),)) -> Participant:
    participant = Participant(id=pid, organisation=org, role="partner", fields_of_science=["1"],
                              accepted_at=CLOSES if accepted else None)
    for category, amount in lines:
        participant.budget_lines.append(BudgetLineRow(
            category=category, ict_category="other", amount=Decimal(amount), open_source=False,
            description=""))
    return participant


FIRM = Organisation(id=10, name="Firm", country="EL", org_type="PRC", is_sme=True)
LAB = Organisation(id=11, name="Lab", country="IT", org_type="REC", controller_id=10)


@pytest.mark.parametrize("participants, keys, requested", [
    ([_participant(1, FIRM)], ["10"], ["87.50"]),          # (100 + 25) x 70 %
    ([_participant(1, LAB)], ["11"], ["125.00"]),          # non-profit: 100 %
    ([_participant(1, FIRM), _participant(2, None, accepted=False)], ["10"], ["87.50"]),
    ([_participant(1, FIRM), _participant(2, LAB, accepted=False)], ["10"], ["87.50"]),
    ([_participant(1, LAB, lines=(("A", "100.00"), ("B", "40.00")))], ["11"], ["165.00"]),
    ([_participant(1, LAB, lines=())], ["11"], ["0.00"]),
], ids=["firm-70", "research-100", "pending-email", "pending-organisation",
        "no-indirect-on-subcontracting", "no-lines"])
def test_only_accepted_organisations_become_members(participants, keys, requested):
    application = Application(call=_call(), participants=participants)
    members = members_of(application, budget_of(application))
    assert [m.key for m in members] == keys
    assert [str(m.requested_amount) for m in members] == requested


def test_a_member_carries_its_controller_country_and_fields():
    application = Application(call=_call(), participants=[_participant(1, LAB)])
    member = members_of(application, budget_of(application))[0]
    assert (member.controller, member.country, member.fields_of_science) == ("10", "IT", ("1",))
    greek = Application(call=_call(), participants=[_participant(1, FIRM)])
    assert members_of(greek, budget_of(greek))[0].country == "GR"  # CORDIS writes EL


@pytest.mark.parametrize("rules, maximum, expected", [
    ({"min_partners": 2}, Decimal("500000.00"),
     {"min_partners": 2, "max_requested_per_proposal": "500000.00"}),
    ({"max_requested_per_proposal": "100.00"}, Decimal("500000.00"),
     {"max_requested_per_proposal": "100.00"}),
    ({}, None, {}),
])
def test_the_calls_maximum_applies_unless_the_rules_set_one(rules, maximum, expected):
    assert rules_of(_call(eligibility_rules=rules, max_per_proposal_amount=maximum)) == expected


def test_the_checklist_stores_the_report_only_when_asked():
    application = Application(call=_call(), participants=[_participant(1, FIRM)],
                              eligibility_report={})
    shown = build_checklist(application)
    assert application.eligibility_report == {}
    assert shown.report["passed"] is False and shown.blockers == ["Add 1 partner (2 required, "
                                                                  "1 found)."]
    build_checklist(application, store=True)
    assert application.eligibility_report == shown.report
