"""A submission snapshot read as a proposal for conflict detection and field matching."""

from datetime import date
from types import SimpleNamespace

from app.evaluation.rules.assignment import Affiliation, ConflictReason, Expert, detect_conflicts
from app.evaluation.services.assignment import as_proposal

SNAPSHOT = {"participants": [
    {"role": "coordinator", "fields_of_science": ["1.2"],
     "organisation": {"id": 7, "country": "IT", "controller_id": 3}},
    {"role": "partner", "fields_of_science": ["5.2", "1.2"],
     "organisation": {"id": 9, "country": "AT", "controller_id": None}},
]}


def test_snapshot_participants_become_the_proposal():
    proposal = as_proposal(SimpleNamespace(application_id=42, snapshot=SNAPSHOT))
    assert proposal.key == "42"
    assert proposal.organisations == ("7", "9")
    assert proposal.controllers == ("3",)
    assert proposal.countries == ("AT", "IT")
    assert proposal.fields_of_science == ("1.2", "5.2")


def test_an_expert_under_the_same_controller_is_in_conflict():
    proposal = as_proposal(SimpleNamespace(application_id=1, snapshot=SNAPSHOT))
    expert = Expert("5", organisation="11", controller="3", country="FR",
                    affiliations=(Affiliation("9", date(2020, 1, 1)),))
    assert detect_conflicts(expert, proposal, date(2026, 1, 1)) == (
        ConflictReason.SAME_CONTROLLER,)


def test_an_empty_snapshot_is_a_proposal_without_participants():
    proposal = as_proposal(SimpleNamespace(application_id=1, snapshot={}))
    assert proposal.organisations == () and proposal.countries == ()
