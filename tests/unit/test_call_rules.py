"""Eligibility-rules document: every key valid and invalid, cross-field checks, presets, text."""

from decimal import Decimal

import pytest

from app.calls.rules.eligibility_rules import (
    RULE_KEYS,
    RULE_PRESETS,
    RulesError,
    validate_rules,
)
from app.calls.rules.eligibility_text import describe_rules
from app.calls.rules.wording import money_text, plain_number

ALL_KEYS = {
    "min_partners", "min_countries", "min_member_state_partners", "eligible_countries",
    "outside_members", "programme_part", "min_research_partners", "min_sme_partners",
    "min_firm_partners", "min_fields_of_science", "field_level", "max_requested_per_proposal",
    "max_partner_share",
    "require_independent_partners",
}  # fmt: skip


def test_rule_keys_are_exactly_the_documented_ones():
    assert set(RULE_KEYS) == ALL_KEYS


# (key, given, stored). Keys that need a partner key to be legal get it in _with_context.
VALID = [
    ("min_partners", 1, 1),
    ("min_partners", "3", 3),
    ("min_partners", " 12 ", 12),
    ("min_countries", 1, 1),
    ("min_countries", "2", 2),
    ("min_member_state_partners", 0, 0),
    ("min_member_state_partners", 2, 2),
    ("eligible_countries", "EU_MS", "EU_MS"),
    ("eligible_countries", "EU_MS+HE_ASSOCIATED", "EU_MS+HE_ASSOCIATED"),
    ("eligible_countries", " EU_MS + CADSES ", "EU_MS+CADSES"),
    ("eligible_countries", "EU_MS+EU_MS", "EU_MS"),
    ("eligible_countries", ["HE_ASSOCIATED", "EU_MS"], "EU_MS+HE_ASSOCIATED"),  # canonical order
    ("programme_part", "pillar_i", "pillar_i"),
    ("programme_part", "pillar_ii", "pillar_ii"),
    ("programme_part", "pillar_iii", "pillar_iii"),
    ("programme_part", "eic_fund", "eic_fund"),
    ("programme_part", "other", "other"),
    ("min_research_partners", 0, 0),
    ("min_research_partners", 1, 1),
    ("min_sme_partners", 0, 0),
    ("min_sme_partners", "1", 1),
    ("min_firm_partners", 0, 0),
    ("min_firm_partners", 1, 1),
    ("min_fields_of_science", 1, 1),
    ("min_fields_of_science", 6, 6),
    ("max_requested_per_proposal", "500000", "500000.00"),
    ("max_requested_per_proposal", "500000.5", "500000.50"),
    ("max_requested_per_proposal", 250000, "250000.00"),
    ("max_requested_per_proposal", Decimal("0.01"), "0.01"),
    ("max_requested_per_proposal", "1.500", "1.50"),
    ("max_partner_share", "0.6", "0.6000"),
    ("max_partner_share", "0.3333", "0.3333"),
    ("max_partner_share", 1, "1.0000"),
    ("max_partner_share", Decimal("0.0001"), "0.0001"),
    ("require_independent_partners", True, True),
    ("require_independent_partners", False, False),
]


@pytest.mark.parametrize(
    ("key", "given", "stored"), [pytest.param(*case, id=f"{case[0]}={case[1]!r}") for case in VALID]
)
def test_each_key_accepts_and_normalises(key, given, stored):
    result = validate_rules({key: given})
    assert result[key] == stored
    assert type(result[key]) is type(stored)


@pytest.mark.parametrize(
    ("given", "level"),
    [
        pytest.param({"min_fields_of_science": 2}, 1, id="defaults-to-fields"),
        pytest.param({"min_fields_of_science": 2, "field_level": None}, 1, id="blank-level"),
        pytest.param({"min_fields_of_science": 2, "field_level": 1}, 1, id="fields"),
        pytest.param({"min_fields_of_science": 2, "field_level": "2"}, 2, id="subfields"),
        pytest.param({"min_fields_of_science": 42, "field_level": 2}, 2, id="all-subfields"),
    ],
)
def test_field_level(given, level):
    assert validate_rules(given)["field_level"] == level


# (key, given, fragment of the message shown next to the field)
INVALID = [
    ("min_partners", 0, "Enter 1 or more."),
    ("min_partners", -2, "Enter 1 or more."),
    ("min_partners", "three", "Enter a whole number."),
    ("min_partners", 2.0, "Enter a whole number."),
    ("min_partners", "2.5", "Enter a whole number."),
    ("min_partners", True, "Enter a whole number."),
    ("min_partners", "²", "Enter a whole number."),
    ("min_countries", 0, "Enter 1 or more."),
    ("min_countries", [3], "Enter a whole number."),
    ("min_member_state_partners", -1, "Enter 0 or more."),
    ("min_member_state_partners", "", "Enter a whole number."),
    ("eligible_countries", "EU", "Unknown country group 'EU'."),
    ("eligible_countries", "EU_MS+NATO", "Unknown country group 'NATO'."),
    ("eligible_countries", "", "Choose at least one country group."),
    ("eligible_countries", " + ", "Choose at least one country group."),
    ("eligible_countries", 27, "Choose at least one country group."),
    ("eligible_countries", ["EU_MS", 3], "Choose country groups by their codes."),
    ("programme_part", "pillar_iv", "Choose one of: pillar_i, pillar_ii"),
    ("programme_part", 2, "Choose one of:"),
    ("min_research_partners", -1, "Enter 0 or more."),
    ("min_sme_partners", "x", "Enter a whole number."),
    ("min_firm_partners", -3, "Enter 0 or more."),
    ("min_fields_of_science", 0, "Enter 1 or more."),
    ("max_requested_per_proposal", "0", "above zero"),
    ("max_requested_per_proposal", "-5", "above zero"),
    ("max_requested_per_proposal", "1.234", "at most 2 decimal places"),
    ("max_requested_per_proposal", "500,000", "Enter a number."),
    ("max_requested_per_proposal", 500000.0, "Enter a number."),
    ("max_requested_per_proposal", "NaN", "Enter a number."),
    ("max_requested_per_proposal", "Infinity", "Enter a number."),
    ("max_requested_per_proposal", "1e20", "Enter a smaller number."),
    ("max_requested_per_proposal", False, "Enter a number."),
    ("max_partner_share", "0", "above 0 and at most 1"),
    ("max_partner_share", "1.01", "above 0 and at most 1"),
    ("max_partner_share", "60", "above 0 and at most 1"),
    ("max_partner_share", "0.12345", "at most 4 decimal places"),
    ("max_partner_share", 0.6, "Enter a number."),
    ("require_independent_partners", "yes", "Choose yes or no."),
    ("require_independent_partners", 1, "Choose yes or no."),
]


@pytest.mark.parametrize(
    ("key", "given", "fragment"),
    [pytest.param(*case, id=f"{case[0]}={case[1]!r}") for case in INVALID],
)
def test_each_key_rejects_bad_values(key, given, fragment):
    with pytest.raises(RulesError, match=f"^{key}: ") as raised:
        validate_rules({key: given})
    assert list(raised.value.errors) == [key]
    assert fragment in raised.value.errors[key]


def test_field_level_is_only_1_or_2():
    with pytest.raises(RulesError,
                       match=r"^field_level: Choose 1 \(fields\) or 2 \(subfields\)\.$") as raised:
        validate_rules({"min_fields_of_science": 2, "field_level": 3})
    assert raised.value.errors == {"field_level": "Choose 1 (fields) or 2 (subfields)."}


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param({"max_partners": 5}, id="misspelt"),
        pytest.param({"min_partners": 3, "MIN_PARTNERS": 3}, id="case-matters"),
        pytest.param({"eligibility": {"min_partners": 3}}, id="nested"),
    ],
)
def test_unknown_keys_are_rejected(doc):
    with pytest.raises(RulesError, match="Unknown rule.") as raised:
        validate_rules(doc)
    unknown = [key for key in doc if key not in ALL_KEYS]
    assert raised.value.errors == dict.fromkeys(unknown, "Unknown rule.")


@pytest.mark.parametrize("doc", [pytest.param([], id="list"), pytest.param("x", id="string")])
def test_document_must_be_an_object(doc):
    with pytest.raises(RulesError,
                       match="^rules: The eligibility rules must be a JSON object.$") as raised:
        validate_rules(doc)
    assert list(raised.value.errors) == ["rules"]


def test_blank_values_are_dropped_and_empty_document_is_valid():
    assert validate_rules({}) == {}
    assert validate_rules({"min_partners": None, "max_partner_share": None}) == {}


def test_output_uses_canonical_key_order():
    given = {"require_independent_partners": True, "min_countries": 2, "min_partners": 2}
    assert list(validate_rules(given)) == ["min_partners", "min_countries",
                                           "require_independent_partners"]  # fmt: skip


def test_validation_is_idempotent():
    doc = {"min_partners": "3", "max_requested_per_proposal": "10", "max_partner_share": "0.5"}
    once = validate_rules(doc)
    assert validate_rules(once) == once


# (document, key with the error, fragment)
CROSS_FIELD = [
    ({"min_partners": 2, "min_countries": 3}, "min_countries", "more countries than partners (2)"),
    ({"min_partners": 2, "min_member_state_partners": 3}, "min_member_state_partners",
     "more partners in EU Member States than partners"),
    ({"min_partners": 1, "min_research_partners": 2}, "min_research_partners",
     "more research organisations than partners"),
    ({"min_partners": 1, "min_sme_partners": 2}, "min_sme_partners", "more SMEs than partners"),
    ({"min_partners": 1, "min_firm_partners": 2}, "min_firm_partners", "more firms than partners"),
    ({"min_partners": 2, "min_research_partners": 2, "min_firm_partners": 1}, "min_firm_partners",
     "2 research organisations and 1 firm need more than 2 partners"),
    ({"eligible_countries": "HE_ASSOCIATED", "min_member_state_partners": 1},
     "min_member_state_partners", "contain no EU Member State"),
    ({"eligible_countries": "CADSES", "min_countries": 20}, "min_countries",
     "contain only 19 countries"),
    ({"eligible_countries": "EU_MS", "min_countries": 28}, "min_countries",
     "contain only 27 countries"),
    ({"field_level": 2}, "field_level", "Set a minimum number of fields of science first"),
    ({"min_fields_of_science": 7}, "min_fields_of_science", "only 6 fields of science"),
    ({"min_fields_of_science": 43, "field_level": 2}, "min_fields_of_science",
     "only 42 subfields of science"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("doc", "key", "fragment"),
    [pytest.param(*case, id=case[1] + "-" + "-".join(map(str, case[0].values())))
     for case in CROSS_FIELD],
)  # fmt: skip
def test_cross_field_contradictions(doc, key, fragment):
    with pytest.raises(RulesError, match=f"^{key}: ") as raised:
        validate_rules(doc)
    assert list(raised.value.errors) == [key]
    assert fragment in raised.value.errors[key]


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param({"min_partners": 3, "min_countries": 3, "min_member_state_partners": 3},
                     id="all-equal-to-partners"),
        pytest.param({"min_partners": 2, "min_research_partners": 1, "min_firm_partners": 1},
                     id="research-plus-firms-fit"),
        pytest.param({"min_partners": 2, "min_research_partners": 2, "min_sme_partners": 2},
                     id="smes-may-overlap-research"),
        pytest.param({"min_countries": 5}, id="countries-without-partner-minimum"),
        pytest.param({"eligible_countries": "CADSES", "min_member_state_partners": 1},
                     id="cadses-has-member-states"),
        pytest.param({"eligible_countries": "HE_ASSOCIATED", "min_countries": 3},
                     id="associated-only"),
    ],
)  # fmt: skip
def test_consistent_combinations_pass(doc):
    assert validate_rules(doc)


def test_cross_field_checks_skip_keys_that_are_already_wrong():
    with pytest.raises(RulesError, match="min_fields_of_science: Enter a whole number.") as raised:
        validate_rules({"min_fields_of_science": "many", "field_level": 2, "min_partners": "x",
                        "min_countries": 9})  # fmt: skip
    assert raised.value.errors == {
        "min_fields_of_science": "Enter a whole number.",
        "min_partners": "Enter a whole number.",
    }


def test_all_errors_are_reported_at_once():
    doc = {
        "min_partners": 2,
        "min_countries": 4,
        "eligible_countries": "EU_MS+MARS",
        "min_fields_of_science": 0,
        "max_partner_share": "2",
        "max_requested_per_proposal": "abc",
        "require_independent_partners": "true",
        "colour": "blue",
    }
    with pytest.raises(RulesError, match="colour: Unknown rule.") as raised:
        validate_rules(doc)
    assert set(raised.value.errors) == {
        "min_countries", "eligible_countries", "min_fields_of_science", "max_partner_share",
        "max_requested_per_proposal", "require_independent_partners", "colour",
    }  # fmt: skip
    assert "colour: Unknown rule." in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_presets_are_the_documented_ones_and_validate_unchanged():
    assert set(RULE_PRESETS) == {"horizon_europe", "ict_aggregation", "interreg_central_europe"}
    for preset in RULE_PRESETS.values():
        assert preset.label and preset.description
        assert validate_rules(preset.document) == dict(preset.document)


def test_horizon_europe_preset_encodes_article_22():
    # Regulation (EU) 2021/695 Art. 22(2), reference.md 1.
    assert validate_rules(RULE_PRESETS["horizon_europe"].document) == {
        "min_partners": 3,
        "min_countries": 3,
        "min_member_state_partners": 1,
        "eligible_countries": "EU_MS+HE_ASSOCIATED",
        # Art. 22(1): entities from anywhere take part, counting toward no minimum.
        "outside_members": "allowed_not_counted",
        "require_independent_partners": True,
    }


def test_ict_aggregation_preset_encodes_the_seed_profile():
    rules = validate_rules(RULE_PRESETS["ict_aggregation"].document)
    assert rules["eligible_countries"] == "EU_MS"
    assert rules["min_countries"] == 2
    assert rules["min_firm_partners"] == 1
    assert rules["min_research_partners"] == 1
    assert rules["min_fields_of_science"] == 2


def test_interreg_preset_encodes_three_partners_from_three_countries():
    rules = validate_rules(RULE_PRESETS["interreg_central_europe"].document)
    assert rules == {"min_partners": 3, "min_countries": 3}
    assert "by hand" in RULE_PRESETS["interreg_central_europe"].description


def test_preset_documents_are_read_only():
    with pytest.raises(TypeError, match="'mappingproxy' object does not support item assignment"):
        RULE_PRESETS["horizon_europe"].document["min_partners"] = 1  # type: ignore[index]
    copy = validate_rules(RULE_PRESETS["horizon_europe"].document)
    copy["min_partners"] = 9
    assert RULE_PRESETS["horizon_europe"].document["min_partners"] == 3


# (document, sentences expected in this order)
DESCRIBED = [
    ({}, []),
    ({"min_partners": 3, "min_countries": 3, "min_member_state_partners": 1},
     ["At least 3 partners from at least 3 different countries, at least one of them in an "
      "EU Member State"]),
    ({"min_partners": 4, "min_member_state_partners": 2},
     ["At least 4 partners, at least 2 of them in EU Member States"]),
    ({"min_partners": 1}, ["At least 1 partner"]),
    ({"min_partners": 3, "min_countries": 1}, ["At least 3 partners"]),
    ({"min_countries": 2}, ["Partners from at least 2 different countries"]),
    ({"min_member_state_partners": 1}, ["At least 1 partner in an EU Member State"]),
    ({"min_member_state_partners": 2}, ["At least 2 partners in EU Member States"]),
    ({"min_member_state_partners": 0, "min_research_partners": 0, "min_sme_partners": 0,
      "min_firm_partners": 0}, []),
    ({"eligible_countries": "EU_MS+HE_ASSOCIATED", "outside_members": "not_allowed"},
     ["Partners must be established in an EU Member State or a Horizon Europe Associated "
      "Country"]),
    ({"eligible_countries": "EU_MS+HE_ASSOCIATED"},  # Art. 22(1), the default
     ["Partners count toward the minimums when established in an EU Member State or a "
      "Horizon Europe Associated Country on the deadline",
      "Organisations established elsewhere may take part, but count toward no minimum and "
      "receive no funding"]),
    ({"eligible_countries": "EU_MS", "outside_members": "allowed_funded"},
     ["Partners count toward the minimums when established in an EU Member State on the "
      "deadline",
      "Organisations established elsewhere may take part and may be funded, but count toward "
      "no minimum"]),
    ({"eligible_countries": "CADSES", "outside_members": "not_allowed"},
     ["Partners must be established in the CADSES area"]),
    ({"eligible_countries": "EU_MS+HE_ASSOCIATED", "programme_part": "pillar_ii",
      "outside_members": "not_allowed"},
     ["Partners must be established in an EU Member State or a Horizon Europe Associated "
      "Country; an Associated Country counts only if its association covers Pillar II "
      "(Global Challenges and European Industrial Competitiveness)"]),
    ({"eligible_countries": "EU_MS", "programme_part": "eic_fund",
      "outside_members": "not_allowed"},
     ["Partners must be established in an EU Member State; the call is part of the EIC Fund"]),
    ({"programme_part": "pillar_i"}, ["The call is part of Pillar I (Excellent Science)"]),
    ({"programme_part": "pillar_iii"}, ["The call is part of Pillar III (Innovative Europe)"]),
    ({"programme_part": "other"}, ["The call is part of another part of Horizon Europe"]),
    ({"min_research_partners": 1},
     ["At least 1 research organisation (research centre or university)"]),
    ({"min_research_partners": 2},
     ["At least 2 research organisations (research centres or universities)"]),
    ({"min_sme_partners": 1}, ["At least 1 SME (small or medium-sized enterprise)"]),
    ({"min_sme_partners": 3}, ["At least 3 SMEs (small or medium-sized enterprises)"]),
    ({"min_firm_partners": 1}, ["At least 1 firm (private for-profit company)"]),
    ({"min_firm_partners": 2}, ["At least 2 firms (private for-profit companies)"]),
    ({"min_fields_of_science": 2},
     ["At least 2 different fields of science (OECD Frascati fields)"]),
    ({"min_fields_of_science": 1}, ["At least 1 field of science (OECD Frascati fields)"]),
    ({"min_fields_of_science": 3, "field_level": 2},
     ["At least 3 different fields of science (OECD Frascati subfields)"]),
    ({"max_partner_share": "0.60"}, ["No partner may request more than 60 % of the grant"]),
    ({"max_partner_share": "0.3333"},
     ["No partner may request more than 33.33 % of the grant"]),
    ({"max_partner_share": "1"}, ["No partner may request more than 100 % of the grant"]),
    ({"max_requested_per_proposal": "500000"}, ["Requested grant at most EUR 500,000.00"]),
    ({"max_requested_per_proposal": "1234567.8"}, ["Requested grant at most EUR 1,234,567.80"]),
    ({"max_requested_per_proposal": "999.99"}, ["Requested grant at most EUR 999.99"]),
    ({"require_independent_partners": True},
     ["Entities under common control may all take part and count as one partner (ownership "
      "by the same public body is not control)"]),
    ({"require_independent_partners": False}, []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("doc", "sentences"),
    [pytest.param(doc, sentences, id="-".join(f"{k}={v}" for k, v in doc.items()) or "empty")
     for doc, sentences in DESCRIBED],
)  # fmt: skip
def test_describe_each_rule(doc, sentences):
    assert describe_rules(doc) == sentences


def test_describe_uses_the_call_currency():
    doc = {"max_requested_per_proposal": "2500000"}
    assert describe_rules(doc, max_per_proposal_currency="CZK") == [
        "Requested grant at most CZK 2,500,000.00"
    ]


def test_describe_a_full_document_in_rule_order():
    doc = {
        "require_independent_partners": True,
        "max_requested_per_proposal": "500000.00",
        "max_partner_share": "0.60",
        "min_fields_of_science": 2,
        "min_sme_partners": 1,
        "min_research_partners": 1,
        "eligible_countries": "EU_MS+HE_ASSOCIATED",
        "outside_members": "not_allowed",
        "min_member_state_partners": 1,
        "min_countries": 3,
        "min_partners": 3,
    }
    assert describe_rules(doc) == [
        "At least 3 partners from at least 3 different countries, at least one of them in an "
        "EU Member State",
        "Partners must be established in an EU Member State or a Horizon Europe Associated Country",
        "At least 1 research organisation (research centre or university)",
        "At least 1 SME (small or medium-sized enterprise)",
        "At least 2 different fields of science (OECD Frascati fields)",
        "No partner may request more than 60 % of the grant",
        "Requested grant at most EUR 500,000.00",
        "Entities under common control may all take part and count as one partner (ownership "
        "by the same public body is not control)",
    ]


def test_describe_every_preset():
    for preset in RULE_PRESETS.values():
        sentences = describe_rules(preset.document)
        assert sentences and all(sentence[0].isupper() for sentence in sentences)


def test_describe_refuses_an_invalid_document():
    with pytest.raises(RulesError, match="^min_partners: Enter 1 or more.$"):
        describe_rules({"min_partners": 0})


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        pytest.param(Decimal("0.5"), "EUR", "EUR 0.50", id="cents"),
        pytest.param(Decimal("1000"), "EUR", "EUR 1,000.00", id="thousand"),
        pytest.param(Decimal("12345678.9"), "HUF", "HUF 12,345,678.90", id="millions"),
    ],
)
def test_money_text(amount, currency, text):
    assert money_text(amount, currency) == text


@pytest.mark.parametrize(
    ("number", "text"),
    [
        pytest.param(Decimal("60.000000"), "60", id="trailing-zeros"),
        pytest.param(Decimal("0.50"), "0.5", id="fraction"),
        pytest.param(Decimal("1E+1"), "10", id="exponent"),
        pytest.param(Decimal("100"), "100", id="integer"),
        pytest.param(Decimal("0"), "0", id="zero"),
    ],
)
def test_plain_number(number, text):
    assert plain_number(number) == text
