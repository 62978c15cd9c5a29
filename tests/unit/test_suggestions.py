"""Partner suggestions (pure): what a candidate fixes, who is left out, how they rank."""

import random

import pytest

from app.applications.rules.eligibility import Member, check_eligibility
from app.directory.rules.suggestions import Candidate, stems, suggest_partners

# The seed call's profile: 2 partners from 2 EU countries, a research organisation,
# a firm, 2 fields of science (first level).
ICT_AGGREGATION = {"min_partners": 2, "min_countries": 2, "eligible_countries": "EU_MS",
                   "min_research_partners": 1, "min_firm_partners": 1,
                   "min_fields_of_science": 2, "field_level": 1}
HORIZON_EUROPE = {"min_partners": 3, "min_countries": 3, "min_member_state_partners": 1,
                  "eligible_countries": "EU_MS+HE_ASSOCIATED",
                  "require_independent_partners": True}
FIRM_DE = Member(key="1", name="Firm DE", country="DE", org_type="PRC", is_sme=True,
                 fields_of_science=("2.2",))
LAB_AT = Member(key="2", name="Lab AT", country="AT", org_type="REC",
                fields_of_science=("1.2",))
LINKED_LAB_AT = Member(key="2", name="Lab AT", country="AT", org_type="REC", controller="1")


def candidate(key, country="AT", org_type="REC", **fields) -> Candidate:
    return Candidate(key=key, name=fields.pop("name", f"Org {key}"), country=country,
                     org_type=org_type, **fields)


def keys(result) -> list[str]:
    return [s.candidate.key for s in result.suggestions]


# (case, members, rules, candidates, expected keys in order)
RANKING_CASES = [
    ("two fixes rank above one",
     (FIRM_DE,), {"min_partners": 2, "min_countries": 2},
     [candidate("de", country="DE"), candidate("at", country="AT")], ["at", "de"]),
    ("four fixes above two above one",
     (FIRM_DE,), ICT_AGGREGATION,
     [candidate("prc-de", country="DE", org_type="PRC"),
      candidate("rec-de", country="DE", fields_of_science=("2.1",)),
      candidate("rec-at", fields_of_science=("1.2",))],
     ["rec-at", "rec-de", "prc-de"]),
    ("an ineligible country fixes nothing",
     (FIRM_DE,), ICT_AGGREGATION,
     [candidate("us", country="US", fields_of_science=("1.2",)),
      candidate("no", country="NO", fields_of_science=("1.2",))], []),
    ("an associated country helps under the Horizon Europe rule",
     (FIRM_DE, LAB_AT), HORIZON_EUROPE,
     [candidate("us", country="US"), candidate("no", country="NO")], ["no"]),
    ("members are never suggested",
     (FIRM_DE, LAB_AT), HORIZON_EUROPE,
     [candidate("1", country="FR"), candidate("2", country="IT"), candidate("3", country="FR")],
     ["3"]),
    ("a country already in the consortium adds no country",
     (FIRM_DE, LAB_AT), {"min_countries": 3},
     [candidate("de", country="DE"), candidate("at"), candidate("pl", country="PL")], ["pl"]),
    ("only research organisations fix the research check",
     (FIRM_DE,), {"min_research_partners": 1},
     [candidate("prc", org_type="PRC"), candidate("pub", org_type="PUB"),
      candidate("hes", org_type="HES"), candidate("rec")], ["hes", "rec"]),
    ("only SMEs fix the SME check",
     (LAB_AT,), {"min_sme_partners": 1},
     [candidate("big", org_type="PRC"), candidate("sme", org_type="PRC", is_sme=True)],
     ["sme"]),
    ("only a new field fixes the fields check",
     (FIRM_DE,), {"min_fields_of_science": 2},
     [candidate("same", fields_of_science=("2.1",)), candidate("new", fields_of_science=("5.2",)),
      candidate("none")], ["new"]),
    ("subfields count at level 2",
     (FIRM_DE,), {"min_fields_of_science": 2, "field_level": 2},
     [candidate("sub", fields_of_science=("2.1",)), candidate("field", fields_of_science=("2",))],
     ["sub"]),
    ("a candidate under common control with a member merges into its unit and adds nothing",
     (FIRM_DE, LAB_AT), HORIZON_EUROPE,
     [candidate("child", country="FR", controller="1"), candidate("free", country="FR")],
     ["free"]),
    ("one that improves but does not fix still helps",
     (FIRM_DE,), HORIZON_EUROPE,
     [candidate("fr", country="FR"), candidate("de", country="DE")], ["fr", "de"]),
    ("nothing to suggest when the consortium is eligible",
     (FIRM_DE, LAB_AT), {"min_partners": 2},
     [candidate("fr", country="FR")], []),
    ("nothing to suggest when only the budget fails",
     (Member(key="1", name="F", country="DE", org_type="PRC", requested_amount=900),),
     {"max_requested_per_proposal": "500.00"},
     [candidate("fr", country="FR")], []),
]


@pytest.mark.parametrize("case, members, rules, candidates, expected",
                         RANKING_CASES, ids=[case[0] for case in RANKING_CASES])
def test_ranking(case, members, rules, candidates, expected):
    assert keys(suggest_partners(members, rules, candidates)) == expected


def test_each_suggestion_names_the_checks_it_fixes():
    result = suggest_partners((FIRM_DE,), ICT_AGGREGATION,
                              [candidate("rec-de", country="DE", fields_of_science=("2.1",))])
    [suggestion] = result.suggestions
    assert set(suggestion.fixes) == {"min_partners", "min_research_partners"}
    assert not suggestion.makes_eligible
    assert set(result.fixable) == {"min_partners", "min_countries", "min_research_partners",
                                   "min_fields_of_science"}


def test_the_fix_that_makes_the_consortium_eligible_says_so():
    result = suggest_partners((FIRM_DE,), ICT_AGGREGATION,
                              [candidate("rec-at", fields_of_science=("1.2",))])
    assert result.suggestions[0].makes_eligible


def test_improvements_are_named_apart_from_fixes():
    [suggestion] = suggest_partners((FIRM_DE,), HORIZON_EUROPE,
                                    [candidate("fr", country="FR")]).suggestions
    assert suggestion.fixes == ()
    assert set(suggestion.improves) == {"min_partners", "min_countries"}


def test_unfixable_checks_are_reported_apart():
    members = (Member(key="1", name="F", country="US", org_type="PRC"),)
    result = suggest_partners(members, {"eligible_countries": "EU_MS", "min_partners": 2},
                              [candidate("fr", country="FR")])
    assert result.unfixable == ("eligible_countries",)
    # The US member counts for nothing: a French partner is 1 of 2, closer but not there.
    [suggestion] = result.suggestions
    assert suggestion.fixes == () and suggestion.improves == ("min_partners",)


@pytest.mark.parametrize("texts, application_text, expected", [
    ({"a": "accounting", "b": "robots for broadband"}, "Broadband robotics", ["b", "a"]),
    ({"a": "web shops", "b": "webs"}, "", ["a", "b"]),  # no text: by name
    ({"a": "Farming", "b": "farm farms farming"}, "farms", ["a", "b"]),  # words, not counts
])
def test_ties_are_broken_by_text_fit_then_name(texts, application_text, expected):
    candidates = [candidate(key, name=f"Lab {key}", text=text) for key, text in texts.items()]
    result = suggest_partners((FIRM_DE,), {"min_countries": 2}, candidates,
                              application_text=application_text)
    assert keys(result) == expected


def test_field_fit_comes_before_text_fit():
    members = (FIRM_DE,)
    result = suggest_partners(members, {"min_countries": 2}, [
        candidate("words", text="broadband broadband", fields_of_science=("5.1",)),
        candidate("field", fields_of_science=("2.4",))], application_text="broadband")
    assert keys(result) == ["field", "words"]


def test_looking_for_partners_breaks_the_last_tie():
    result = suggest_partners((FIRM_DE,), {"min_countries": 2}, [
        candidate("a", name="Same"), candidate("b", name="Same", looking_for_partners=True)])
    assert keys(result) == ["b", "a"]


def test_limit_keeps_the_best():
    candidates = [candidate(str(n), country="DE") for n in range(10, 40)] + \
        [candidate("best", fields_of_science=("1.2",))]
    result = suggest_partners((FIRM_DE,), ICT_AGGREGATION, candidates, limit=5)
    assert keys(result)[0] == "best" and len(result.suggestions) == 5
    assert result.helpful_count == 31


def _brute_force(members, rules, candidates):
    """Every candidate simulated one by one: what the prefilter must agree with."""
    before = check_eligibility(members, rules)
    helpful = set()
    for c in candidates:
        if c.key in {m.key for m in members}:
            continue
        newcomer = Member(key=c.key, name=c.name, country=c.country, org_type=c.org_type,
                          is_sme=c.is_sme, fields_of_science=c.fields_of_science,
                          controller=c.controller)
        after = check_eligibility((*members, newcomer), rules)
        pairs = [(b, after.by_code(b.code)) for b in before.checks]
        broke = any(b.passed and not a.passed for b, a in pairs)
        fixed = any(not b.passed and a.passed for b, a in pairs)
        closer = any(not a.passed and a.detail.get("found", 0) > b.detail.get("found", 0)
                     for b, a in pairs)
        if not broke and (fixed or closer):
            helpful.add(c.key)
    return helpful


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("rules", [ICT_AGGREGATION, HORIZON_EUROPE,
                                   {"min_sme_partners": 2, "min_countries": 3},
                                   {**HORIZON_EUROPE, "min_fields_of_science": 3,
                                    "field_level": 2, "min_research_partners": 2}])
def test_the_prefilter_loses_no_helpful_candidate(seed, rules):
    rng = random.Random(seed)
    countries = ["DE", "AT", "FR", "IT", "NO", "US", "CH", "GB", "PL"]
    members = [(FIRM_DE,), (FIRM_DE, LAB_AT), (FIRM_DE, LINKED_LAB_AT),
               (FIRM_DE, Member(key="9", name="US", country="US", org_type="REC",
                                fields_of_science=("5.2",)))][seed % 4]
    candidates = [
        candidate(str(n), country=rng.choice(countries),
                  org_type=rng.choice(["PRC", "REC", "HES", "PUB", "OTH"]),
                  is_sme=rng.random() < 0.3,
                  fields_of_science=tuple(rng.sample(["1.2", "2.2", "2.1", "5.2", "3", "6.1"],
                                                     rng.randint(0, 3))),
                  controller=rng.choice([None, None, None, "1", "2", "x"]))
        for n in range(10, 200)]
    result = suggest_partners(members, rules, candidates, limit=1000)
    assert set(keys(result)) == _brute_force(members, rules, candidates)


def test_stems_join_forms_of_a_word_and_skip_filler():
    assert stems("Robots and robotics, the robot")["robot"] == "robots"
    assert "the" not in stems("the and with")
    assert set(stems("Flooding floods")) == {"flood"}



def test_related_organisations_come_before_unrelated_ones_that_fix_more():
    """A lab in the application's ICT fields that fixes two checks ranks above a clinic that
    fixes all four: an unrelated partner is no partner for a web project."""
    clinic = candidate("clinic", fields_of_science=("3.2",),
                       text="paediatric clinical trials, web of care")
    lab = candidate("lab", country="DE", fields_of_science=("1.2",))
    result = suggest_partners((FIRM_DE,), ICT_AGGREGATION, [clinic, lab],
                              application_text="Web content management for small hotels",
                              application_ict=["web_content_management"])
    assert keys(result) == ["lab", "clinic"]
    assert [s.related for s in result.suggestions] == [True, False]
    assert len(result.suggestions[1].fixes) > len(result.suggestions[0].fixes)


def test_an_interest_in_the_applications_ict_category_makes_an_organisation_related():
    result = suggest_partners((FIRM_DE,), {"min_countries": 2}, [
        candidate("farm", fields_of_science=("4.1",), name="A farm lab"),
        candidate("shop", fields_of_science=("4.1",), name="Z shop lab",
                  ict_interests=("e_commerce",), text="online shops")],
        application_text="Online shops for wineries", application_ict=["e_commerce"])
    assert keys(result) == ["shop", "farm"]
    shop = result.suggestions[0]
    assert shop.shared_ict == ("e_commerce",) and shop.shared_words == ("online", "shops")


def test_a_members_field_makes_its_subfields_and_parent_related_but_not_its_siblings():
    member = Member(key="1", name="Clinic DE", country="DE", org_type="PRC",
                    fields_of_science=("3.2",))
    candidates = [candidate(key, fields_of_science=(code,)) for key, code in (
        ("sibling", "3.1"), ("parent", "3"), ("same", "3.2"), ("ict", "1.2"))]
    result = suggest_partners((member,), {"min_countries": 2}, candidates,
                              application_ict=["cloud_software"])
    related = {s.candidate.key: s.related for s in result.suggestions}
    assert related == {"sibling": False, "parent": True, "same": True, "ict": True}


def test_with_nothing_to_judge_by_everybody_is_related():
    member = Member(key="1", name="Firm", country="DE", org_type="PRC")
    result = suggest_partners((member,), {"min_countries": 2},
                              [candidate("a", fields_of_science=("3.2",)), candidate("b")])
    assert all(s.related for s in result.suggestions)


def test_a_word_counts_with_common_endings_only():
    result = suggest_partners((FIRM_DE,), {"min_countries": 2}, [
        candidate("telescope", text="the James Webb Space Telescope"),
        candidate("shops", text="websites and web shops, robotic farming")],
        application_text="Web shops and robotics for farms")
    words = {s.candidate.key: s.shared_words for s in result.suggestions}
    assert words == {"telescope": (), "shops": ("farms", "robotics", "shops", "web")}
