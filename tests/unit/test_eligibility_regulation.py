"""Eligibility as Regulation (EU) 2021/695 reads: who takes part, who counts, on which day.

Every case cites reference.md §1 (Art. 22-23 of the Regulation, association dates) or §4
(Recommendation 2003/361/EC)."""

from datetime import UTC, date, datetime

import pytest

from app.applications.rules.eligibility import Member, check_eligibility, compile_rules
from app.calls.rules.countries import association_day, eligible_set, ineligibility_reason
from app.calls.rules.eligibility_rules import RULE_PRESETS, RulesError, validate_rules
from app.calls.rules.eligibility_text import describe_rules

# The presets as the call editor stores them (validate_rules writes every default).
HORIZON_EUROPE = validate_rules(RULE_PRESETS["horizon_europe"].document)
ICT_AGGREGATION = validate_rules(RULE_PRESETS["ict_aggregation"].document)
# A call limited to its own countries (Art. 22(5)), otherwise the Horizon Europe rule.
ONLY_ITS_COUNTRIES = {**HORIZON_EUROPE, "outside_members": "not_allowed"}


def org(key, country, org_type="PRC", **fields):
    return Member(key=key, name=key.upper(), country=country, org_type=org_type, **fields)


DE, FR, IT = org("de", "DE", "REC"), org("fr", "FR"), org("it", "IT", "HES")
US_RESEARCH_CENTRE = org("us", "US", "REC")


def outcomes(report) -> dict[str, bool]:
    return dict(report.outcomes)


# (case, rules, members, eligible, failing checks, note kinds) — reference.md §1.
CONSORTIA = [
    pytest.param(HORIZON_EUROPE, [DE, FR, IT, US_RESEARCH_CENTRE], True, [],
                 ["outside_countries"], id="art22-1-third-country-centre-takes-part"),
    pytest.param(ONLY_ITS_COUNTRIES, [DE, FR, IT, US_RESEARCH_CENTRE], False,
                 ["eligible_countries"], [], id="art22-5-call-allows-only-its-countries"),
    pytest.param(HORIZON_EUROPE, [DE, FR, US_RESEARCH_CENTRE], False,
                 ["min_partners", "min_countries"], ["outside_countries"],
                 id="art22-2-third-country-counts-toward-no-minimum"),
    pytest.param(HORIZON_EUROPE,
                 [org("p", "DE", controller="q"), org("q", "AT"), FR, IT], True, [],
                 ["linked"], id="art22-2-linked-pair-plus-two-independent"),
    pytest.param(HORIZON_EUROPE,
                 [org("p", "DE", controller="q"), org("q", "AT"), FR], False,
                 ["min_partners", "min_countries"], ["linked"],
                 id="art22-2-linked-pair-plus-one-falls-short"),
    pytest.param(HORIZON_EUROPE,
                 [org("u1", "DE", "HES", controller="ministry", public_owner=True),
                  org("u2", "FR", "HES", controller="ministry", public_owner=True), IT], True,
                 [], [], id="one-ministry-owning-two-universities-is-not-control"),
    pytest.param(HORIZON_EUROPE,
                 [org("u1", "DE", "HES", controller="ministry", public_owner=True),
                  org("ministry", "DE", "PUB"), FR, IT], True, [], ["linked"],
                 id="public-owner-taking-part-is-linked-to-its-entity"),
    pytest.param(HORIZON_EUROPE,
                 [DE, FR, org("assoc", "IT", role="associated_partner")], False,
                 ["min_partners", "min_countries"], ["associated_partner"],
                 id="associated-partner-counts-toward-no-minimum"),
    pytest.param(HORIZON_EUROPE,
                 [DE, FR, IT, org("sub", "ES", role="subcontractor")], True, [],
                 ["subcontractor"], id="named-subcontractor-takes-part-without-counting"),
    pytest.param(HORIZON_EUROPE, [org("uk", "UK"), org("no", "NO"), org("is", "IS")], False,
                 ["min_member_state_partners"], [], id="art22-2-no-member-state"),
]


@pytest.mark.parametrize(("rules", "members", "eligible", "failing", "note_kinds"), CONSORTIA)
def test_consortia_as_the_regulation_reads_them(rules, members, eligible, failing, note_kinds):
    report = check_eligibility(members, rules, on=date(2026, 3, 1))
    assert report.passed is eligible
    assert [code for code, passed in report.outcomes if not passed] == failing
    assert [note.kind for note in report.notes] == note_kinds
    # The stored report says the same as the fast outcomes.
    assert [(c["code"], c["passed"]) for c in report.to_dict()["checks"]] == list(
        report.outcomes)


def test_third_country_member_is_a_note_not_a_failure():
    report = check_eligibility([DE, FR, IT, US_RESEARCH_CENTRE], HORIZON_EUROPE)
    countries = report.by_code("eligible_countries")
    assert countries.passed
    assert countries.detail["outside_members"] == "allowed_not_counted"
    assert "count toward no minimum; no funding" in countries.message
    [note] = report.notes
    assert note.text == "US (US) takes part; counts toward no minimum; no funding."
    assert report.by_code("min_partners").detail["counted"] == ["de", "fr", "it"]


def test_a_call_that_funds_third_countries_says_so():
    rules = {**HORIZON_EUROPE, "outside_members": "allowed_funded"}
    report = check_eligibility([DE, FR, IT, US_RESEARCH_CENTRE], rules)
    assert report.passed
    assert report.notes[0].text.endswith("counts toward no minimum; may be funded.")
    assert compile_rules(rules).funds("US", "partner")


@pytest.mark.parametrize(("rules", "country", "role", "funded"), [
    pytest.param(HORIZON_EUROPE, "DE", "partner", True, id="member-state-partner"),
    pytest.param(HORIZON_EUROPE, "NO", "coordinator", True, id="associated-country"),
    pytest.param(HORIZON_EUROPE, "US", "partner", False, id="art23-third-country-not-funded"),
    pytest.param(HORIZON_EUROPE, "DE", "associated_partner", False, id="associated-partner"),
    pytest.param(HORIZON_EUROPE, "DE", "subcontractor", False, id="subcontractor"),
    pytest.param({"min_partners": 2}, "US", "partner", True, id="no-country-rule"),
])
def test_who_requests_a_grant(rules, country, role, funded):
    assert compile_rules(rules).funds(country, role) is funded


def test_linked_pair_counts_once_and_is_named():
    members = [org("p", "DE", controller="q"), org("q", "AT"), FR, IT]
    report = check_eligibility(members, HORIZON_EUROPE)
    assert report.by_code("min_partners").detail["counted"] == ["p+q", "fr", "it"]
    assert report.notes[0].text == ("P and Q are under common control: they all take part and "
                                    "count as one partner.")


def test_associated_partner_note_says_what_it_does():
    report = check_eligibility([DE, org("assoc", "IT", role="associated_partner")],
                               HORIZON_EUROPE)
    assert report.notes[0].text == ("ASSOC: associated partner: takes part, signs nothing, "
                                    "receives nothing; counts toward no minimum.")


# --- dates: a country counts when it is associated on the deadline (reference.md §1) ------

@pytest.mark.parametrize(("deadline", "counts"), [
    pytest.param(date(2023, 9, 20), False, id="gb-2023-deadline-not-yet-associated"),
    pytest.param(date(2023, 12, 31), False, id="gb-day-before-association"),
    pytest.param(date(2024, 1, 1), True, id="gb-first-day"),
    pytest.param(date(2025, 9, 17), True, id="gb-2025-deadline"),
])
def test_gb_counts_from_2024(deadline, counts):
    report = check_eligibility([DE, FR, org("gb", "GB")], HORIZON_EUROPE, on=deadline)
    assert report.by_code("min_countries").detail["found"] == (3 if counts else 2)
    assert report.passed is counts
    if not counts:
        assert report.by_code("eligible_countries").detail["outside"][0]["reason"] == (
            "GB is associated to Horizon Europe only from 2024-01-01")


@pytest.mark.parametrize(("deadline_utc", "zone", "day"), [
    # 00:30 in Brussels on 1 January 2025 is still 31 December in UTC.
    pytest.param(datetime(2024, 12, 31, 23, 30, tzinfo=UTC), "Europe/Brussels",
                 date(2025, 1, 1), id="just-after-midnight-in-brussels"),
    pytest.param(datetime(2024, 12, 31, 23, 30, tzinfo=UTC), "Europe/London",
                 date(2024, 12, 31), id="same-instant-still-2024-in-london"),
    pytest.param(datetime(2025, 1, 1, 4, 59, tzinfo=UTC), "America/New_York",
                 date(2024, 12, 31), id="west-of-utc"),
])
def test_the_deadline_day_is_taken_in_the_calls_zone(deadline_utc, zone, day):
    assert association_day(deadline_utc, zone) == day


def test_switzerland_counts_on_a_deadline_just_after_midnight_in_the_calls_zone():
    deadline = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)  # 2025-01-01 00:30 in Brussels
    members = [DE, FR, org("ch", "CH")]
    assert check_eligibility(members, HORIZON_EUROPE,
                             on=association_day(deadline, "Europe/Brussels")).passed
    assert not check_eligibility(members, HORIZON_EUROPE, on=deadline.date()).passed


def test_a_naive_deadline_is_refused():
    with pytest.raises(ValueError, match="aware datetime"):
        association_day(datetime(2025, 1, 1, 0, 30), "Europe/Brussels")


@pytest.mark.parametrize(("country", "on", "in_set"), [
    ("NO", date(2021, 1, 1), True), ("NO", date(2020, 12, 31), False),
    ("CA", date(2023, 12, 31), False), ("CA", date(2024, 1, 1), True),
    ("EG", date(2025, 4, 9), False), ("EG", date(2025, 4, 10), True), ("XK", None, True),
])
def test_every_association_has_a_start_date(country, on, in_set):
    countries = eligible_set("EU_MS+HE_ASSOCIATED", on=on, programme_part="pillar_ii")
    assert (country in countries) is in_set
    reason = ineligibility_reason(country, "EU_MS+HE_ASSOCIATED", on=on,
                                  programme_part="pillar_ii")
    assert (reason is None) is in_set


# --- the rules document: the setting, its default, presets, plain words -------------------

def test_horizon_europe_preset_lets_anyone_take_part_and_ict_aggregation_does_not():
    assert HORIZON_EUROPE["outside_members"] == "allowed_not_counted"
    assert ICT_AGGREGATION["outside_members"] == "not_allowed"


@pytest.mark.parametrize(("doc", "errors"), [
    pytest.param({"eligible_countries": "EU_MS", "outside_members": "maybe"},
                 {"outside_members": "Choose whether members from other countries may take "
                                     "part."}, id="unknown-value"),
    pytest.param({"outside_members": "not_allowed"},
                 {"outside_members": "Choose the eligible countries first."},
                 id="without-eligible-countries"),
])
def test_outside_members_is_validated(doc, errors):
    with pytest.raises(RulesError, match="^outside_members: ") as raised:
        validate_rules(doc)
    assert raised.value.errors == errors


def test_a_document_that_does_not_say_keeps_its_old_meaning():
    """Rules stored before the setting existed refused outsiders; the migration writes that
    down, and the engine reads a silent document the same way."""
    report = check_eligibility([DE, FR, IT, US_RESEARCH_CENTRE],
                               {"eligible_countries": "EU_MS+HE_ASSOCIATED"})
    assert outcomes(report) == {"eligible_countries": False}


def test_the_call_page_says_it_in_plain_words():
    assert ("Organisations established elsewhere may take part, but count toward no minimum "
            "and receive no funding") in describe_rules(HORIZON_EUROPE)
    assert "Partners must be established in an EU Member State" in describe_rules(
        ICT_AGGREGATION)


def test_messages_are_written_only_when_read():
    report = compile_rules(HORIZON_EUROPE).check([DE, FR, IT])
    assert report._checks is None  # outcomes alone so far
    assert report.passed and report.outcomes == (
        ("eligible_countries", True), ("min_partners", True), ("min_countries", True),
        ("min_member_state_partners", True))
    assert report.checks[1].message == "Independent partners: 3 found (3 required)."

