"""Consortium eligibility rules: every rule passing and failing, Art. 22(2) cases, the report."""

import json
from datetime import date
from decimal import Decimal

import pytest

from app.applications.rules.eligibility import Member, check_eligibility
from app.applications.rules.eligibility_report import Check, CheckCode, EligibilityReport

# Regulation (EU) 2021/695 Art. 22(2) (reference.md 1).
HE_STANDARD = {
    "min_partners": 3,
    "min_countries": 3,
    "min_member_state_partners": 1,
    "eligible_countries": "EU_MS+HE_ASSOCIATED",
    "require_independent_partners": True,
}
ALL_RULES = {
    **HE_STANDARD,
    "programme_part": "pillar_ii",
    "min_research_partners": 1,
    "min_sme_partners": 1,
    "min_firm_partners": 1,
    "min_fields_of_science": 2,
    "field_level": 1,
    "max_requested_per_proposal": "500000.00",
    "max_partner_share": "0.60",
}
ALL_CODES = [
    "eligible_countries",
    "min_partners",
    "min_countries",
    "min_member_state_partners",
    "min_research_partners",
    "min_sme_partners",
    "min_firm_partners",
    "min_fields_of_science",
    "max_requested_per_proposal",
    "max_partner_share",
]


def org(key, country, org_type="PRC", **fields):
    return Member(key=key, name=key.capitalize(), country=country, org_type=org_type, **fields)


def check(members, rules, code, on=None):
    found = check_eligibility(members, rules, on=on).by_code(code)
    assert found is not None, f"{code} missing from the report"
    return found


DE, FR, IT = org("de1", "DE"), org("fr1", "FR"), org("it1", "IT")
EU = "EU_MS+HE_ASSOCIATED"

# (rules, members, code, passed, detail items that must match)
RULE_CASES = [
    pytest.param({"eligible_countries": EU}, [DE, FR, org("no1", "NO")],
                 "eligible_countries", True, {"outside": []}, id="countries-pass"),
    pytest.param({"eligible_countries": EU}, [DE, org("us1", "US")], "eligible_countries", False,
                 {"groups": ["EU_MS", "HE_ASSOCIATED"]}, id="countries-fail-us"),
    pytest.param({"eligible_countries": "CADSES"}, [org("at1", "AT"), org("ba1", "BA")],
                 "eligible_countries", True, {}, id="countries-cadses-pass"),
    pytest.param({"eligible_countries": "CADSES"}, [FR], "eligible_countries", False, {},
                 id="countries-cadses-fail"),
    pytest.param({"min_partners": 3}, [DE, FR, IT], "min_partners", True,
                 {"required": 3, "found": 3}, id="partners-pass"),
    pytest.param({"min_partners": 3}, [DE, FR], "min_partners", False,
                 {"required": 3, "found": 2, "counted": ["de1", "fr1"]}, id="partners-fail"),
    pytest.param({"min_partners": 3}, [DE, FR, org("us1", "US")], "min_partners", True,
                 {"found": 3}, id="partners-any-country-without-country-rule"),
    pytest.param({"min_partners": 3, "eligible_countries": EU}, [DE, FR, org("us1", "US")],
                 "min_partners", False, {"found": 2}, id="partners-outside-country-not-counted"),
    pytest.param({"min_partners": 2}, [DE, DE], "min_partners", False, {"found": 1},
                 id="partners-repeated-key-once"),
    pytest.param({"min_countries": 3}, [DE, FR, IT], "min_countries", True,
                 {"found": 3, "countries": ["DE", "FR", "IT"]}, id="countries3-pass"),
    pytest.param({"min_countries": 3}, [DE, org("de2", "DE"), IT], "min_countries", False,
                 {"required": 3, "found": 2, "countries": ["DE", "IT"]}, id="countries3-fail"),
    pytest.param({"min_countries": 2, "eligible_countries": EU}, [DE, org("us1", "US")],
                 "min_countries", False, {"countries": ["DE"]}, id="countries-outside-ignored"),
    pytest.param({"min_member_state_partners": 2}, [DE, FR, org("no1", "NO")],
                 "min_member_state_partners", True, {"found": 2}, id="member-states-pass"),
    pytest.param({"min_member_state_partners": 2}, [DE, org("no1", "NO"), org("ch1", "CH")],
                 "min_member_state_partners", False, {"found": 1, "counted": ["de1"]},
                 id="member-states-fail"),
    pytest.param({"min_research_partners": 2}, [org("r", "DE", "REC"), org("h", "FR", "HES")],
                 "min_research_partners", True, {"found": 2}, id="research-rec-hes-pass"),
    pytest.param({"min_research_partners": 1},
                 [org("p", "DE", "PRC"), org("u", "FR", "PUB"), org("o", "IT", "OTH")],
                 "min_research_partners", False, {"found": 0}, id="research-fail"),
    pytest.param({"min_sme_partners": 1}, [org("s", "DE", is_sme=True), FR], "min_sme_partners",
                 True, {"found": 1, "counted": ["s"]}, id="sme-pass"),
    pytest.param({"min_sme_partners": 2}, [org("s", "DE", is_sme=True), FR], "min_sme_partners",
                 False, {"found": 1}, id="sme-fail"),
    pytest.param({"min_firm_partners": 2}, [org("big", "DE"), org("s", "FR", is_sme=True)],
                 "min_firm_partners", True, {"found": 2}, id="firm-sme-or-not-pass"),
    pytest.param({"min_firm_partners": 1},
                 [org("r", "DE", "REC", is_sme=True), org("o", "FR", "OTH", is_sme=True)],
                 "min_firm_partners", False, {"found": 0}, id="firm-sme-but-not-prc-fail"),
    pytest.param({"min_fields_of_science": 2},
                 [org("a", "DE", fields_of_science=("1.2",)),
                  org("b", "FR", fields_of_science=("2.2",))],
                 "min_fields_of_science", True, {"fields": ["1", "2"], "level": 1},
                 id="fields-level1-pass"),
    pytest.param({"min_fields_of_science": 2, "field_level": 1},
                 [org("a", "DE", fields_of_science=("1.2", "1.3"))],
                 "min_fields_of_science", False, {"found": 1, "fields": ["1"]},
                 id="fields-level1-same-field-fail"),
    pytest.param({"min_fields_of_science": 2, "field_level": 1},
                 [org("a", "DE", fields_of_science=("1.2", "5"))],
                 "min_fields_of_science", True, {"fields": ["1", "5"]},
                 id="fields-level1-code-counts-at-level1"),
    pytest.param({"min_fields_of_science": 2, "field_level": 2},
                 [org("a", "DE", fields_of_science=("1.2", "1.3"))],
                 "min_fields_of_science", True, {"fields": ["1.2", "1.3"], "level": 2},
                 id="fields-level2-pass"),
    pytest.param({"min_fields_of_science": 2, "field_level": 2},
                 [org("a", "DE", fields_of_science=("1.2", "5")), org("b", "FR",
                  fields_of_science=("1.2",))],
                 "min_fields_of_science", False, {"found": 1, "fields": ["1.2"]},
                 id="fields-level2-ignores-level1-code"),
    pytest.param({"min_fields_of_science": 2, "field_level": 2},
                 [org("a", "DE", fields_of_science=("2.10",)), org("b", "FR",
                  fields_of_science=("2.2",))],
                 "min_fields_of_science", True, {"fields": ["2.2", "2.10"]},
                 id="fields-level2-numeric-order"),
    pytest.param({"min_fields_of_science": 2, "eligible_countries": EU},
                 [org("a", "DE", fields_of_science=("1.2",)), org("b", "US",
                  fields_of_science=("2.2",))],
                 "min_fields_of_science", False, {"fields": ["1"]},
                 id="fields-outside-country-ignored"),
    pytest.param({"max_requested_per_proposal": "500000.00"},
                 [org("a", "DE", requested_amount=Decimal("300000")),
                  org("b", "FR", requested_amount=Decimal("200000"))],
                 "max_requested_per_proposal", True, {"requested": "500000.00"},
                 id="cap-exactly-reached-pass"),
    pytest.param({"max_requested_per_proposal": "500000.00"},
                 [org("a", "DE", requested_amount=Decimal("312000")),
                  org("b", "FR", requested_amount=Decimal("200000"))],
                 "max_requested_per_proposal", False,
                 {"cap": "500000.00", "requested": "512000.00", "excess": "12000.00"},
                 id="cap-exceeded-fail"),
    pytest.param({"max_partner_share": "0.60"},
                 [org("a", "DE", requested_amount=Decimal("600")),
                  org("b", "FR", requested_amount=Decimal("400"))],
                 "max_partner_share", True, {"over": []}, id="share-exactly-60-pass"),
    # 700 of 1000 is 70 %; cutting A by d gives (700-d)/(1000-d) <= 0.6, so d >= 250.
    pytest.param({"max_partner_share": "0.60"},
                 [org("a", "DE", requested_amount=Decimal("700")),
                  org("b", "FR", requested_amount=Decimal("300"))],
                 "max_partner_share", False,
                 {"over": [{"key": "a", "share": "70.00%", "reduce_by": "250.00"}]},
                 id="share-exceeded-fail"),
    # d >= (700 - 0.6*999.99)/0.4 = 250.015: 250.01 leaves 449.99 of 749.98 (> 60 %), so 250.02.
    pytest.param({"max_partner_share": "0.60"},
                 [org("a", "DE", requested_amount=Decimal("700")),
                  org("b", "FR", requested_amount=Decimal("299.99"))],
                 "max_partner_share", False,
                 {"over": [{"key": "a", "share": "70.00%", "reduce_by": "250.02"}]},
                 id="share-reduction-half-cent"),
    # d >= (800 - 700)/0.3 = 333.333...: 333.33 leaves 466.67 of 666.67 (0.7 x 666.67 = 466.669,
    # still over), so the cent is rounded up to 333.34 (466.66 <= 466.662).
    pytest.param({"max_partner_share": "0.70"},
                 [org("a", "DE", requested_amount=Decimal("800")),
                  org("b", "FR", requested_amount=Decimal("200"))],
                 "max_partner_share", False,
                 {"over": [{"key": "a", "share": "80.00%", "reduce_by": "333.34"}]},
                 id="share-reduction-rounded-up"),
    pytest.param({"max_partner_share": "0.60"}, [DE, FR], "max_partner_share", True,
                 {"requested": "0.00"}, id="share-nothing-requested-pass"),
]


@pytest.mark.parametrize(("rules", "members", "code", "passed", "detail"), RULE_CASES)
def test_each_rule_passes_and_fails(rules, members, code, passed, detail):
    result = check(members, rules, code)
    assert result.passed is passed
    assert {key: result.detail.get(key) for key in detail} == detail


def test_outside_country_is_named_with_its_reason():
    result = check([DE, org("us1", "US")], {"eligible_countries": EU}, "eligible_countries")
    assert result.detail["outside"] == [
        {
            "key": "us1",
            "name": "Us1",
            "country": "US",
            "reason": "US is not among the EU Member States or Horizon Europe Associated Countries",
        }
    ]
    assert "Us1" in result.message and "Replace or remove" in result.message


@pytest.mark.parametrize(
    ("rules", "members", "code", "advice"),
    [
        pytest.param({"min_partners": 3}, [DE, FR], "min_partners",
                     "Add 1 partner (3 required, 2 found).", id="partners"),
        pytest.param({"min_partners": 3, "require_independent_partners": True}, [DE],
                     "min_partners", "Add 2 independent partners (3 required, 1 found).",
                     id="independent-partners"),
        pytest.param({"min_countries": 3}, [DE, FR], "min_countries",
                     "Add 1 partner from another country (3 required, 2 found: DE, FR).",
                     id="countries-one"),
        pytest.param({"min_countries": 3}, [DE], "min_countries",
                     "Add 2 partners from other countries (3 required, 1 found: DE).",
                     id="countries-two"),
        pytest.param({"min_member_state_partners": 1}, [org("no1", "NO")],
                     "min_member_state_partners",
                     "Add 1 partner established in an EU Member State", id="member-state"),
        pytest.param({"min_research_partners": 1}, [DE], "min_research_partners",
                     "Add 1 research organisation (a research centre or a university)",
                     id="research"),
        pytest.param({"min_sme_partners": 2}, [DE], "min_sme_partners", "Add 2 SMEs",
                     id="sme"),
        pytest.param({"min_firm_partners": 1}, [org("r", "DE", "REC")], "min_firm_partners",
                     "Add 1 private company (SME or not)", id="firm"),
        pytest.param({"min_fields_of_science": 3}, [org("a", "DE", fields_of_science=("1.2",))],
                     "min_fields_of_science",
                     "Add 2 fields of science (FORD) (3 required, 1 found: 1).", id="fields"),
        pytest.param({"max_requested_per_proposal": "500000.00"},
                     [org("a", "DE", requested_amount=Decimal("512000"))],
                     "max_requested_per_proposal",
                     "Reduce the requested amount by EUR 12,000.00.", id="cap"),
        pytest.param({"max_partner_share": "0.60"},
                     [org("a", "DE", requested_amount=Decimal("700")),
                      org("b", "FR", requested_amount=Decimal("300"))],
                     "max_partner_share", "Reduce A's request by EUR 250.00", id="share"),
    ],
)
def test_failure_messages_say_what_to_do(rules, members, code, advice):
    result = check(members, rules, code)
    assert not result.passed
    assert advice in result.message


def test_uk_norway_iceland_alone_is_ineligible_for_want_of_a_member_state():
    members = [org("uk1", "UK"), org("no1", "NO"), org("is1", "IS")]
    report = check_eligibility(members, HE_STANDARD)
    outcome = {c.code: c.passed for c in report.checks}
    assert outcome == {
        "eligible_countries": True,
        "min_partners": True,
        "min_countries": True,
        "min_member_state_partners": False,
    }
    assert not report.passed
    assert [c.code for c in report.failures] == ["min_member_state_partners"]


def test_adding_a_member_state_makes_the_same_consortium_eligible():
    members = [org("uk1", "UK"), org("no1", "NO"), org("el1", "EL")]
    assert check_eligibility(members, HE_STANDARD).passed


@pytest.mark.parametrize(
    ("written", "normalised"),
    [("EL", "GR"), ("UK", "GB"), ("el", "GR"), (" uk ", "GB"), ("GR", "GR"), ("de", "DE")],
)
def test_member_country_is_normalised(written, normalised):
    assert org("x", written).country == normalised


def test_el_and_gr_are_one_country_and_a_member_state():
    members = [org("a", "EL"), org("b", "GR"), org("c", "UK")]
    result = check(members, {"min_countries": 3}, "min_countries")
    assert result.detail["countries"] == ["GB", "GR"]
    ms = check(members, {"min_member_state_partners": 2}, "min_member_state_partners")
    assert ms.passed and ms.detail["counted"] == ["a", "b"]


@pytest.mark.parametrize(
    ("members", "units"),
    [
        pytest.param([org("a", "DE", controller="z"), org("b", "FR", controller="z"), IT],
                     ["a+b", "it1"], id="common-controller-outside-consortium"),
        pytest.param([org("a", "DE"), org("b", "FR", controller="a"), IT],
                     ["a+b", "it1"], id="one-controls-the-other"),
        pytest.param([org("a", "DE"), org("b", "FR", controller="a"),
                      org("c", "IT", controller="b")], ["a+b+c"], id="transitive-chain"),
        pytest.param([org("a", "DE", controller="x"), org("b", "FR", controller="y"), IT],
                     ["a", "b", "it1"], id="different-controllers-independent"),
    ],
)
def test_entities_under_one_controller_count_once(members, units):
    rules = {"min_partners": 3, "require_independent_partners": True}
    result = check(members, rules, "min_partners")
    assert result.detail["counted"] == units
    assert result.passed is (len(units) >= 3)
    # Linked entities take part: only the count of units decides (reference.md 1).
    assert check_eligibility(members, rules).passed is (len(units) >= 3)


def test_linked_entities_are_named_and_count_separately_without_the_rule():
    members = [org("a", "DE", controller="z"), org("b", "FR", controller="z"), IT]
    report = check_eligibility(members, {"require_independent_partners": True})
    assert report.passed and report.checks == ()
    [note] = report.notes
    assert note.text == "A and B are under common control: they all take part and count as " \
        "one partner."
    assert note.keys == ("a", "b")
    report = check_eligibility(members, {"min_partners": 3})
    assert report.passed and report.notes == ()


@pytest.mark.parametrize(
    ("members", "found", "always_counted"),
    [
        # Two units: the DE+FR group can stand only for FR once the German partner takes DE.
        pytest.param([org("a", "DE", controller="z"), org("b", "FR", controller="z"),
                      org("c", "DE")], 2, {"DE", "FR"}, id="group-takes-the-free-country"),
        # Two units: the group stands for DE or FR (either is right), never both.
        pytest.param([org("a", "DE", controller="z"), org("b", "FR", controller="z"),
                      org("c", "IT")], 2, {"IT"}, id="group-counts-one-country"),
        pytest.param([org("a", "DE", controller="z"), org("b", "FR", controller="z"),
                      org("c", "DE"), org("d", "FR")], 2, {"DE", "FR"}, id="group-country-taken"),
        pytest.param([org("a", "DE", controller="z"), org("b", "FR", controller="z"),
                      org("c", "DE"), org("d", "IT")], 3, {"DE", "FR", "IT"}, id="three-units"),
    ],
)
def test_linked_group_counts_one_country(members, found, always_counted):
    rules = {"min_countries": 3, "require_independent_partners": True}
    result = check(members, rules, "min_countries")
    assert result.detail["found"] == len(result.detail["countries"]) == found
    assert always_counted <= set(result.detail["countries"]) <= {"DE", "FR", "IT"}
    assert result.passed is (found >= 3)


@pytest.mark.parametrize(
    ("country", "programme_part", "on", "eligible", "reason"),
    [
        pytest.param("CH", None, date(2024, 12, 31), False, "CH is associated to Horizon Europe "
                     "only from 2025-01-01", id="ch-before-association"),
        pytest.param("CH", None, date(2025, 1, 1), True, None, id="ch-from-association"),
        pytest.param("CH", None, None, True, None, id="ch-no-date-given"),
        pytest.param("JP", "pillar_ii", date(2025, 12, 31), False, "JP is associated to Horizon "
                     "Europe only from 2026-01-01", id="jp-before-2026"),
        pytest.param("JP", "pillar_ii", date(2026, 3, 1), True, None, id="jp-2026-pillar-ii"),
        pytest.param("NZ", "pillar_i", date(2026, 3, 1), False, "NZ is associated to Horizon "
                     "Europe only for Pillar II calls", id="nz-outside-pillar-ii"),
        pytest.param("CA", None, date(2026, 3, 1), False, "CA is associated to Horizon Europe "
                     "only for Pillar II calls", id="ca-call-without-part"),
        pytest.param("NZ", "pillar_ii", date(2026, 3, 1), True, None, id="nz-pillar-ii"),
        pytest.param("UK", "eic_fund", None, False, "GB is associated to Horizon Europe only "
                     "for calls outside the EIC Fund", id="gb-eic-fund"),
        pytest.param("UK", "pillar_iii", None, True, None, id="gb-other-parts"),
    ],
)
def test_associated_country_scope_and_date(country, programme_part, on, eligible, reason):
    rules = {**HE_STANDARD, "programme_part": programme_part}
    report = check_eligibility([DE, FR, org("ac", country)], rules, on=on)
    countries = report.by_code("eligible_countries")
    assert countries.passed is eligible
    assert [o["reason"] for o in countries.detail["outside"]] == ([reason] if reason else [])
    # A country not (yet) associated is not counted, so only DE and FR remain.
    assert report.by_code("min_partners").detail["found"] == (3 if eligible else 2)
    assert report.by_code("min_countries").passed is eligible
    assert report.passed is eligible


def test_report_holds_every_requested_check_when_several_fail():
    members = [org("us1", "US", requested_amount=Decimal("900000")), org("no1", "NO", "PUB")]
    report = check_eligibility(members, ALL_RULES, on=date(2026, 3, 1))
    assert [c.code for c in report.checks] == ALL_CODES
    assert {c.code for c in report.failures} == set(ALL_CODES)


@pytest.mark.parametrize(
    ("rules", "codes"),
    [
        pytest.param({}, [], id="no-rules"),
        pytest.param({"require_independent_partners": False}, [], id="independence-not-required"),
        pytest.param({"require_independent_partners": "true"}, [],
                     id="independence-is-a-way-of-counting-not-a-check"),
        pytest.param({"field_level": 2, "programme_part": "pillar_ii"}, [],
                     id="settings-alone-are-not-checks"),
        pytest.param({"min_sme_partners": 1, "min_partners": 2}, ["min_partners",
                     "min_sme_partners"], id="stable-order"),
    ],
)
def test_only_requested_checks_appear(rules, codes):
    assert [c.code for c in check_eligibility([DE], rules).checks] == codes


@pytest.mark.parametrize(
    ("code", "passed"),
    list(zip(ALL_CODES, [True, False, False, False, False, False, False, False, True, True],
             strict=True)),
)
def test_empty_consortium(code, passed):
    result = check([], ALL_RULES, code)
    assert result.passed is passed
    if "required" in result.detail:
        assert result.detail["found"] == 0


def test_rules_given_as_strings_are_read():
    rules = {"min_partners": "2", "max_requested_per_proposal": "10.00"}
    report = check_eligibility([DE, org("fr", "FR", requested_amount="10.005")], rules)
    assert report.by_code("min_partners").passed
    assert report.by_code("max_requested_per_proposal").detail["excess"] == "0.01"


def test_report_api_and_json():
    report = check_eligibility([DE], {"min_partners": 2, "min_countries": 1})
    assert isinstance(report, EligibilityReport) and not report.passed
    assert report.by_code(CheckCode.MIN_COUNTRIES) is report.checks[1]
    assert report.by_code("max_partner_share") is None
    data = json.loads(json.dumps(report.to_dict()))
    assert data["passed"] is False
    assert [c["code"] for c in data["checks"]] == ["min_partners", "min_countries"]
    assert data["checks"][0]["detail"] == {"required": 2, "found": 1, "counted": ["de1"]}
    assert type(report.to_dict()["checks"][0]["code"]) is str
    assert EligibilityReport(()).passed and EligibilityReport(()).failures == ()
    assert Check("x", True, "ok", {}).detail == {}


def test_requested_amount_refuses_floats_and_negatives():
    with pytest.raises(TypeError,
                       match="requested_amount must be a Decimal, int or str, never a float"):
        org("a", "DE", requested_amount=0.1)
    with pytest.raises(ValueError, match="negative"):
        org("a", "DE", requested_amount=Decimal("-1"))
    assert org("a", "DE", requested_amount="0.10").requested_amount == Decimal("0.10")


def test_a_share_of_one_never_fails():
    members = [org("a", "DE", requested_amount=Decimal("100")), FR]
    result = check(members, {"max_partner_share": "1.0000"}, "max_partner_share")
    assert result.passed and result.detail["over"] == []


def test_field_level_must_be_one_or_two():
    with pytest.raises(ValueError, match="field_level"):
        check_eligibility([DE], {"min_fields_of_science": 1, "field_level": 3})


@pytest.mark.parametrize("currency", ["EUR", "PLN", "CZK"])
def test_money_messages_name_the_call_currency(currency):
    members = [Member("a", "A", "DE", "PRC", requested_amount=Decimal("600"))]
    report = check_eligibility(members, {"max_requested_per_proposal": "500.00"},
                               currency=currency)
    assert report.by_code("max_requested_per_proposal").message == (
        f"Reduce the requested amount by {currency} 100.00.")
