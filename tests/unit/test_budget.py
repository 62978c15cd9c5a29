"""Budget arithmetic: categories, amounts, indirect costs, funding rates, de minimis."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest

from app.applications.rules.budget import BudgetLine, consortium_budget, participant_budget
from app.calls.rules.finance import (
    COST_CATEGORY_LABELS,
    ICT_CATEGORY_LABELS,
    INDIRECT_CATEGORY,
    INNOVATION_ACTION_RATES,
    RESEARCH_ACTION_RATES,
    CostCategory,
    FundingRates,
    ICTCategory,
    funding_rate_for,
    validate_amount,
)
from app.grants.rules.state_aid import de_minimis_headroom

D = Decimal


def line(category, amount, ict="other", open_source=False):
    return BudgetLine(category, D(amount), ict, open_source)


# --- categories -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "code", "label_start"),
    [
        (CostCategory.PERSONNEL, "A", "A. Personnel"),
        (CostCategory.SUBCONTRACTING, "B", "B. Subcontracting"),
        (CostCategory.TRAVEL, "C1", "C.1 Travel"),
        (CostCategory.EQUIPMENT, "C2", "C.2 Equipment"),
        (CostCategory.OTHER_GOODS_WORKS_SERVICES, "C3", "C.3 Other goods"),
        (CostCategory.OTHER_DIRECT, "D", "D. Other"),
    ],
    ids=lambda v: str(v)[:12],
)
def test_cost_category_codes_and_labels(member, code, label_start):
    assert member == code
    assert member.label.startswith(label_start)


def test_indirect_costs_are_not_an_enterable_category():
    assert INDIRECT_CATEGORY == "E"
    assert "E" not in {c.value for c in CostCategory}
    assert COST_CATEGORY_LABELS["E"].startswith("E. Indirect")


@pytest.mark.parametrize("member", list(ICTCategory), ids=str)
def test_every_ict_category_has_a_label(member):
    assert ICT_CATEGORY_LABELS[member] == member.label
    assert member.label


def test_ict_category_values():
    assert [c.value for c in ICTCategory] == [
        "broadband", "online_communication", "web_content_management",
        "e_commerce", "cloud_software", "other",
    ]


# --- validate_amount --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("12500.50", "12500.50"),
        ("12,500.50", "12500.50"),
        ("1,234,567.89", "1234567.89"),
        ("1,234", "1234.00"),
        ("0", "0.00"),
        ("  7 ", "7.00"),
        ("1.5", "1.50"),
        ("1.500", "1.50"),
        ("0.01", "0.01"),
        ("999999999999.99", "999999999999.99"),
        (D("3.1"), "3.10"),
        (D("2E+2"), "200.00"),
        (D("-0"), "0.00"),
        (5, "5.00"),
    ],
    ids=repr,
)
def test_validate_amount_accepts(given, expected):
    result = validate_amount(given)
    assert result == D(expected)
    assert str(result) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "Enter an amount"),
        ("   ", "Enter an amount"),
        ("-1", "cannot be negative"),
        ("-0.01", "cannot be negative"),
        ("12 500,50", "dot for cents"),
        ("12,50", "dot for cents"),
        ("1,2345.00", "dot for cents"),
        ("12,500,5", "dot for cents"),
        ("1.005", "at most 2 decimals"),
        ("0.001", "at most 2 decimals"),
        ("NaN", "dot for cents"),
        ("inf", "dot for cents"),
        ("1e3", "dot for cents"),
        ("+5", "dot for cents"),
        (".5", "dot for cents"),
        ("5.", "dot for cents"),
        ("EUR 5", "dot for cents"),
        ("1000000000000.00", "cannot exceed"),
        (D("NaN"), "finite"),
        (D("Infinity"), "finite"),
        (D("-Infinity"), "finite"),
        (D("-0.01"), "cannot be negative"),
        (D("0.001"), "at most 2 decimals"),
        (-1, "cannot be negative"),
    ],
    ids=repr,
)
def test_validate_amount_refuses_with_a_form_message(given, message):
    with pytest.raises(ValueError, match=message):
        validate_amount(given)


@pytest.mark.parametrize("given", [1.5, True, None, [1]], ids=repr)
def test_validate_amount_refuses_floats_and_non_numbers(given):
    with pytest.raises(TypeError,
                       match=rf"^Amounts are str, Decimal or int, not {type(given).__name__}\.$"):
        validate_amount(given)


# --- BudgetLine -------------------------------------------------------------------------


def test_budget_line_coerces_stored_codes():
    budget_line = BudgetLine("C1", "1,200.5", "cloud_software", True, "Trips to partners")
    assert budget_line.category is CostCategory.TRAVEL
    assert budget_line.ict_category is ICTCategory.CLOUD_SOFTWARE
    assert budget_line.amount == D("1200.50")


@pytest.mark.parametrize(
    ("category", "amount", "ict", "error", "message"),
    [
        ("E", "10", "other", ValueError, "'E' is not a valid CostCategory"),
        ("Z", "10", "other", ValueError, "'Z' is not a valid CostCategory"),
        ("A", "10", "blockchain", ValueError, "'blockchain' is not a valid ICTCategory"),
        ("A", "-10", "other", ValueError, "The amount cannot be negative."),
        ("A", "10.001", "other", ValueError, "Use at most 2 decimals (cents)."),
        ("A", 10.0, "other", TypeError, "Amounts are str, Decimal or int, not float."),
    ],
    ids=["indirect", "unknown-category", "unknown-ict", "negative", "sub-cent", "float"],
)
def test_budget_line_refuses(category, amount, ict, error, message):
    with pytest.raises(error, match=re.escape(message)):
        BudgetLine(category, amount, ict, False)


def test_budget_line_is_frozen():
    budget_line = line("A", "1")
    with pytest.raises(AttributeError, match="cannot assign to field 'amount'"):
        budget_line.amount = D("2")


# --- funding rates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rates", "org_type", "expected"),
    [
        (INNOVATION_ACTION_RATES, "PRC", "0.70"),
        (INNOVATION_ACTION_RATES, "prc ", "0.70"),
        (INNOVATION_ACTION_RATES, "HES", "1"),
        (INNOVATION_ACTION_RATES, "REC", "1"),
        (INNOVATION_ACTION_RATES, "PUB", "1"),
        (RESEARCH_ACTION_RATES, "PRC", "1"),
        (FundingRates(D("0.5")), "OTH", "0.5"),
        (FundingRates("0.8", {"rec": "0.9"}), "REC", "0.9"),
        (FundingRates("0.8", (("PUB", D("0")),)), "PUB", "0"),
    ],
    ids=["ia-prc", "ia-prc-spelling", "ia-hes", "ia-rec", "ia-pub", "ria-prc", "default",
         "lower-case-key", "pairs-zero"],
)
def test_funding_rate_for(rates, org_type, expected):
    assert funding_rate_for(org_type, rates) == D(expected)


@pytest.mark.parametrize(
    ("default", "by_org_type", "error", "message"),
    [
        ("1.01", {}, ValueError, "The default funding rate must be between 0 and 1, not 1.01."),
        ("-0.1", {}, ValueError, "The default funding rate must be between 0 and 1, not -0.1."),
        ("NaN", {}, ValueError, "The default funding rate must be between 0 and 1, not NaN."),
        ("abc", {}, ValueError,
         "The default funding rate must be a number between 0 and 1, not 'abc'."),
        (0.7, {}, TypeError, "The default funding rate must be a Decimal, str or int, not float."),
        ("1", {"PRC": "1.5"}, ValueError,
         "The funding rate for PRC must be between 0 and 1, not 1.5."),
        ("1", {"PRC": 0.7}, TypeError,
         "The funding rate for PRC must be a Decimal, str or int, not float."),
    ],
    ids=["above-1", "negative", "nan", "text", "float", "override-above-1", "override-float"],
)
def test_funding_rates_refuse_impossible_rates(default, by_org_type, error, message):
    with pytest.raises(error, match=re.escape(message)):
        FundingRates(default, by_org_type)


def test_funding_rates_round_trip_through_json():
    stored = json.loads(json.dumps(INNOVATION_ACTION_RATES.to_dict()))
    assert stored == {"default": "1", "by_org_type": {"PRC": "0.70"}}
    assert FundingRates.from_dict(stored) == INNOVATION_ACTION_RATES
    assert hash(FundingRates.from_dict(stored)) == hash(INNOVATION_ACTION_RATES)


# --- participant budget -----------------------------------------------------------------

# (lines, funding rate, direct, subcontracting, indirect base, indirect, eligible, requested)
PARTICIPANT_CASES = [
    pytest.param([("A", "100")], "1", "100", "0", "100", "25", "125", "125",
                 id="reference-example-100pc"),
    pytest.param([("A", "100")], "0.70", "100", "0", "100", "25", "125", "87.50",
                 id="reference-example-70pc"),
    pytest.param([("A", "100"), ("B", "50")], "1", "150", "50", "100", "25", "175", "175",
                 id="subcontracting-outside-indirect-base"),
    pytest.param([("B", "80")], "1", "80", "80", "0", "0", "80", "80",
                 id="only-subcontracting"),
    pytest.param([("A", "0.10")], "1", "0.10", "0", "0.10", "0.03", "0.13", "0.13",
                 id="indirect-rounds-half-up"),
    pytest.param([("A", "0.12")], "0.70", "0.12", "0", "0.12", "0.03", "0.15", "0.11",
                 id="requested-rounds-half-up"),
    pytest.param(
        [("A", "1000"), ("B", "200"), ("C1", "50"), ("C2", "300"), ("C3", "25.50"), ("D", "10")],
        "1", "1585.50", "200", "1385.50", "346.38", "1931.88", "1931.88",
        id="all-categories",
    ),
    pytest.param([("A", "60"), ("A", "40"), ("C1", "20")], "0.5", "120", "0", "120", "30",
                 "150", "75", id="lines-add-up"),
    pytest.param([], "1", "0", "0", "0", "0", "0", "0", id="no-lines"),
]


@pytest.mark.parametrize(
    ("lines", "rate", "direct", "sub", "base", "indirect", "eligible", "requested"),
    PARTICIPANT_CASES,
)
def test_participant_budget(lines, rate, direct, sub, base, indirect, eligible, requested):
    budget = participant_budget([line(c, a) for c, a in lines], funding_rate=D(rate))
    assert budget.direct == D(direct)
    assert budget.subcontracting == D(sub)
    assert budget.indirect_base == D(base)
    assert budget.indirect == D(indirect)
    assert budget.eligible == D(eligible)
    assert budget.requested == D(requested)
    assert budget.requested.as_tuple().exponent == -2


def test_participant_budget_totals_per_category_and_ict():
    budget = participant_budget([
        line("A", "60", "cloud_software", True),
        line("A", "40", "broadband"),
        line("C2", "15.25", "cloud_software", True),
    ])
    assert budget.by_category[CostCategory.PERSONNEL] == D("100")
    assert budget.by_category[CostCategory.EQUIPMENT] == D("15.25")
    assert budget.by_category[CostCategory.SUBCONTRACTING] == D("0")
    assert set(budget.by_category) == set(CostCategory)
    assert budget.by_ict_category[ICTCategory.CLOUD_SOFTWARE] == D("75.25")
    assert budget.by_ict_category[ICTCategory.BROADBAND] == D("40")
    assert budget.open_source_direct == D("75.25")
    assert budget.by_category_with_indirect() == {
        "A": D("100"), "B": D("0"), "C1": D("0"), "C2": D("15.25"), "C3": D("0"), "D": D("0"),
        "E": D("28.81"),  # 25 % of 115.25 = 28.8125
    }


@pytest.mark.parametrize(
    ("rate", "expected_indirect"),
    [("0", "0"), ("0.25", "25"), ("0.07", "7"), ("1", "100")],
    ids=["none", "horizon-default", "low", "full"],
)
def test_participant_budget_indirect_rate(rate, expected_indirect):
    budget = participant_budget([line("A", "100")], indirect_rate=D(rate))
    assert budget.indirect == D(expected_indirect)


@pytest.mark.parametrize(
    ("keyword", "value", "message"),
    [("indirect_rate", D("1.1"), "The indirect cost rate must be between 0 and 1, not 1.1."),
     ("funding_rate", D("-0.5"), "The funding rate must be between 0 and 1, not -0.5."),
     ("funding_rate", D("NaN"), "The funding rate must be between 0 and 1, not NaN.")],
    ids=["indirect-above-1", "funding-negative", "funding-nan"],
)
def test_participant_budget_refuses_impossible_rates(keyword, value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        participant_budget([line("A", "1")], **{keyword: value})


# --- consortium budget ------------------------------------------------------------------

CONSORTIUM_LINES = [
    ("P1", [line("A", "100", "cloud_software", True), line("B", "50", "broadband")], D("0.70")),
    ("P2", [line("A", "200", "cloud_software"), line("C2", "100", "e_commerce", True)], D("1")),
]


@pytest.mark.parametrize(
    "given",
    [
        CONSORTIUM_LINES,
        {key: participant_budget(lines, funding_rate=r) for key, lines, r in CONSORTIUM_LINES},
    ],
    ids=["from-lines", "from-budgets"],
)
def test_consortium_budget(given):
    budget = consortium_budget(given)
    # P1: direct 150, indirect 25, eligible 175, requested 122.50 (70 %).
    # P2: direct 300, indirect 75, eligible 375, requested 375.
    assert list(budget.participants) == ["P1", "P2"]
    assert budget.participants["P1"].requested == D("122.50")
    assert (budget.direct, budget.subcontracting, budget.indirect) == (D(450), D(50), D(100))
    assert (budget.eligible, budget.requested) == (D(550), D("497.50"))
    assert budget.by_category[CostCategory.PERSONNEL] == D(300)
    assert budget.by_category[CostCategory.SUBCONTRACTING] == D(50)
    assert budget.by_category[CostCategory.EQUIPMENT] == D(100)
    assert budget.by_ict_category == {
        ICTCategory.BROADBAND: D(50), ICTCategory.ONLINE_COMMUNICATION: D(0),
        ICTCategory.WEB_CONTENT_MANAGEMENT: D(0), ICTCategory.E_COMMERCE: D(100),
        ICTCategory.CLOUD_SOFTWARE: D(300), ICTCategory.OTHER: D(0),
    }
    assert budget.open_source_share == D("0.4444")  # 200 / 450
    assert budget.requested_shares == {"P1": D("0.2462"), "P2": D("0.7538")}  # 122.5 / 497.5


@pytest.mark.parametrize(
    ("open_source", "total", "expected"),
    [("0", "0", "0.0000"), ("0", "10", "0.0000"), ("10", "10", "1.0000"),
     ("1", "3", "0.3333"), ("2", "3", "0.6667"), ("1", "8", "0.1250"), ("1", "16", "0.0625"),
     ("1", "32", "0.0313")],
    ids=["nothing", "none-open", "all-open", "third", "two-thirds", "eighth", "sixteenth",
         "half-up"],
)
def test_open_source_share_has_4_places(open_source, total, expected):
    lines = [line("A", open_source, open_source=True)]
    if D(total) > D(open_source):
        lines.append(line("C3", str(D(total) - D(open_source))))
    budget = consortium_budget([("P", lines, D("1"))])
    assert str(budget.open_source_share) == expected


def test_consortium_budget_refuses_a_participant_twice():
    with pytest.raises(ValueError, match="twice"):
        consortium_budget([("P1", [], D(1)), ("P1", [], D(1))])


def test_empty_consortium_has_zero_shares():
    budget = consortium_budget({})
    assert budget.requested == 0
    assert budget.open_source_share == D("0.0000")
    assert budget.requested_shares == {}


def test_consortium_budget_is_json_friendly():
    stored = json.loads(json.dumps(consortium_budget(CONSORTIUM_LINES).to_dict()))
    assert stored["requested"] == "497.50"
    assert stored["participants"]["P1"]["by_category"]["B"] == "50.00"
    assert stored["by_ict_category"]["cloud_software"] == "300.00"
    assert stored["requested_shares"] == {"P1": "0.2462", "P2": "0.7538"}


# --- de minimis -------------------------------------------------------------------------

ON = date(2027, 6, 15)


@pytest.mark.parametrize(
    ("aid", "on", "expected"),
    [
        ([], ON, "300000"),
        ([(date(2024, 6, 15), "100000")], ON, "300000"),
        ([(date(2024, 6, 16), "100000")], ON, "200000"),
        ([(date(2027, 6, 15), "100000")], ON, "200000"),
        ([(date(2027, 6, 16), "100000")], ON, "300000"),
        ([(date(2025, 1, 1), "120000.50"), (date(2026, 1, 1), "79999.50")], ON, "100000"),
        ([(date(2025, 1, 1), "250000"), (date(2026, 1, 1), "60000")], ON, "0"),
        ([(date(2025, 1, 1), "300000")], ON, "0"),
        ([(date(2025, 2, 28), "1000")], date(2028, 2, 29), "300000"),
        ([(date(2025, 3, 1), "1000")], date(2028, 2, 29), "299000"),
        ([(date(2024, 2, 28), "1000")], date(2027, 2, 28), "300000"),
        ([(date(2024, 2, 29), "1000")], date(2027, 2, 28), "299000"),
    ],
    ids=["no-aid", "exactly-3-years-before-excluded", "day-after-included", "same-day-included",
         "later-aid-not-yet-granted", "cents", "over-ceiling-floors-at-0", "ceiling-reached",
         "leap-day-window-start-excluded", "leap-day-window-first-day",
         "into-leap-year-boundary-excluded", "leap-day-counted"],
)
def test_de_minimis_headroom(aid, on, expected):
    previous = [(day, D(amount)) for day, amount in aid]
    assert de_minimis_headroom(previous, on) == D(expected)


def test_de_minimis_headroom_with_another_ceiling():
    aid = [(date(2026, 1, 1), D("150000"))]
    assert de_minimis_headroom(aid, ON, ceiling=D("200000")) == D("50000")


def test_de_minimis_refuses_negative_aid():
    with pytest.raises(ValueError, match="The amount cannot be negative."):
        de_minimis_headroom([(date(2026, 1, 1), D("-1"))], ON)
