"""The translatable call vocabulary (app/calls/labels.py) says in English exactly what the pure
rules say, for every code they know: a code added to a rule without its label fails here."""

import pytest

from app.calls import labels
from app.calls.rules.countries import COUNTRY_GROUPS
from app.calls.rules.criteria import CRITERIA_PRESETS, TIE_BREAKS
from app.calls.rules.eligibility_rules import (
    OUTSIDE_MEMBERS_LABELS,
    PROGRAMME_PART_LABELS,
    RULE_PRESETS,
)
from app.calls.rules.finance import COST_CATEGORY_LABELS, ICT_CATEGORY_LABELS
from app.calls.rules.lifecycle import STATUS_LABELS, CallAction, CallKind, Phase


@pytest.mark.parametrize(("translatable", "rule"), [
    (labels.ICT_CATEGORY_NAMES, ICT_CATEGORY_LABELS),
    (labels.COST_CATEGORY_NAMES, COST_CATEGORY_LABELS),
    (labels.CALL_STATUS_NAMES, STATUS_LABELS),
    (labels.COUNTRY_GROUP_NAMES, COUNTRY_GROUPS),
    (labels.OUTSIDE_MEMBERS_NAMES, OUTSIDE_MEMBERS_LABELS),
    (labels.PROGRAMME_PART_NAMES, PROGRAMME_PART_LABELS),
], ids=["ict", "cost", "status", "country-groups", "outside-members", "programme-part"])
def test_the_same_english_as_the_rules(translatable, rule):
    assert {code: str(label) for code, label in translatable.items()} == dict(rule)


@pytest.mark.parametrize(("translatable", "codes"), [
    (labels.CALL_KIND_NAMES, CallKind), (labels.PHASE_NAMES, Phase),
    (labels.CALL_ACTION_NAMES, CallAction)], ids=["kind", "phase", "action"])
def test_every_code_has_a_label(translatable, codes):
    assert set(translatable) == set(codes)


@pytest.mark.parametrize(("texts", "rules"), [
    (labels.TIE_BREAK_TEXTS, TIE_BREAKS), (labels.RULE_PRESET_TEXTS, RULE_PRESETS),
    (labels.CRITERIA_PRESET_TEXTS, CRITERIA_PRESETS)],
    ids=["tie-breaks", "rule-presets", "criteria-presets"])
def test_names_and_descriptions_as_the_rules_write_them(texts, rules):
    assert {code: (str(name), str(description)) for code, (name, description) in texts.items()} \
        == {code: (rule.label, rule.description) for code, rule in rules.items()}
    shown = labels.in_language(rules, texts)
    assert all(shown[code].document == rule.document for code, rule in rules.items()
               if hasattr(rule, "document"))
