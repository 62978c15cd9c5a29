"""Funding line: fit-or-skip walk of the ranking, reserve list, rejections, promotions."""

import json
from decimal import Decimal as D

import pytest

from app.evaluation.rules.funding import FundingOutcome, funding_line, promote_after_withdrawal
from app.evaluation.rules.ranking import RankedEntry, RankingOutcome

FUNDED, RESERVE = FundingOutcome.FUNDED, FundingOutcome.RESERVE
REJECTED, INELIGIBLE = FundingOutcome.REJECTED, FundingOutcome.INELIGIBLE
WITHDRAWN = FundingOutcome.WITHDRAWN


def ranked(key, position, requested, unresolved=False):
    return RankedEntry(
        position=position,
        key=key,
        weighted_total=D(20 - position),
        outcome=RankingOutcome.RANKED,
        trail="total",
        reason="",
        unresolved_tie=unresolved,
        requested=D(requested),
    )


def below(key, requested="10"):
    return RankedEntry(
        None, key, D(5), RankingOutcome.BELOW_THRESHOLD, "below_threshold", "", False, D(requested)
    )


# Budget 100: a (60) fits; b (50) does not fit in 40 and goes to the reserve; c (30) still
# fits and is funded; d (20) does not fit in 10.
LADDER = [ranked("a", 1, "60"), ranked("b", 2, "50"), ranked("c", 3, "30"), ranked("d", 4, "20")]


def outcomes(line):
    return [(d.key, d.outcome, d.reserve_rank) for d in line.decisions]


@pytest.mark.parametrize(
    ("entries", "budget", "expected", "remaining"),
    [
        pytest.param(
            LADDER,
            "100",
            [("a", FUNDED, None), ("b", RESERVE, 1), ("c", FUNDED, None), ("d", RESERVE, 2)],
            "10.00",
            id="skip-one-that-does-not-fit-fund-lower-that-does",
        ),
        pytest.param(
            LADDER,
            "150",
            [("a", FUNDED, None), ("b", FUNDED, None), ("c", FUNDED, None), ("d", RESERVE, 1)],
            "10.00",
            id="last-does-not-fit",
        ),
        pytest.param(
            LADDER,
            "159.99",
            [("a", FUNDED, None), ("b", FUNDED, None), ("c", FUNDED, None), ("d", RESERVE, 1)],
            "19.99",
            id="budget-with-cents",
        ),
        pytest.param(
            LADDER,
            "110",
            [("a", FUNDED, None), ("b", FUNDED, None), ("c", RESERVE, 1), ("d", RESERVE, 2)],
            "0.00",
            id="exact-fit-is-funded",
        ),
        pytest.param(
            LADDER,
            "50",
            [("a", RESERVE, 1), ("b", FUNDED, None), ("c", RESERVE, 2), ("d", RESERVE, 3)],
            "0.00",
            id="top-too-big-for-the-whole-budget",
        ),
        pytest.param(
            LADDER,
            "0",
            [("a", RESERVE, 1), ("b", RESERVE, 2), ("c", RESERVE, 3), ("d", RESERVE, 4)],
            "0.00",
            id="no-budget",
        ),
        pytest.param(
            LADDER,
            "1000",
            [("a", FUNDED, None), ("b", FUNDED, None), ("c", FUNDED, None), ("d", FUNDED, None)],
            "840.00",
            id="everyone-funded",
        ),
        pytest.param(
            [ranked("z", 1, "10"), below("low"), ranked("y", 2, "10")],
            "15",
            [("z", FUNDED, None), ("y", RESERVE, 1), ("low", REJECTED, None)],
            "5.00",
            id="below-threshold-rejected-and-listed-after",
        ),
    ],
)
def test_funding_line_walk(entries, budget, expected, remaining):
    line = funding_line(entries, D(budget))
    assert outcomes(line) == expected
    assert line.remaining == D(remaining)
    assert line.funded_total == line.budget - line.remaining
    assert line.funded_total == sum(d.requested for d in line.decisions if d.outcome is FUNDED)


def test_amounts_left_after_each_step_and_awarded_amounts():
    line = funding_line(LADDER, D(100))
    assert [(d.key, d.awarded, d.remaining_after) for d in line.decisions] == [
        ("a", D(60), D(40)),
        ("b", D(0), D(40)),
        ("c", D(30), D(10)),
        ("d", D(0), D(10)),
    ]
    assert line.funded_keys == ("a", "c")
    assert line.reserve_keys == ("b", "d")
    assert "exceeds the budget left (40.00)" in line.decision("b").reason


def test_ranking_order_is_by_position_not_input_order():
    line = funding_line(list(reversed(LADDER)), D(100))
    assert line.funded_keys == ("a", "c")
    assert line.reserve_keys == ("b", "d")


def test_ineligible_keys_are_listed_last():
    line = funding_line(LADDER[:1], D(100), ineligible=["x"])
    assert outcomes(line) == [("a", FUNDED, None), ("x", INELIGIBLE, None)]
    with pytest.raises(ValueError, match="both ranked and ineligible"):
        funding_line(LADDER[:1], D(100), ineligible=["a"])


def test_amounts_are_quantized_to_cents_half_up():
    line = funding_line([ranked("a", 1, "10.005")], D("10.01"))
    assert line.decision("a").awarded == D("10.01")
    assert line.remaining == D("0.00")


@pytest.mark.parametrize(
    ("entries", "budget"),
    [([ranked("a", 1, "-1")], "10"), (LADDER, "-1")],
    ids=["negative-request", "negative-budget"],
)
def test_rejects_negative_amounts(entries, budget):
    with pytest.raises(ValueError, match="negative"):
        funding_line(entries, D(budget))


def test_an_unresolved_tie_across_the_line_is_reported():
    tied = [ranked("a", 1, "60", unresolved=True), ranked("b", 1, "60", unresolved=True)]
    line = funding_line([*tied, ranked("c", 3, "10")], D(100))
    assert line.funded_keys == ("a", "c")
    assert line.tie_at_line == ("a", "b")


def test_an_unresolved_tie_on_one_side_of_the_line_is_not_reported():
    tied = [ranked("a", 1, "30", unresolved=True), ranked("b", 1, "30", unresolved=True)]
    assert funding_line(tied, D(100)).tie_at_line == ()
    assert funding_line(tied, D(10)).tie_at_line == ()


@pytest.mark.parametrize(
    ("withdrawn", "expected", "remaining"),
    [
        pytest.param(
            "a",
            [("a", WITHDRAWN, None), ("b", FUNDED, None), ("c", FUNDED, None), ("d", FUNDED, None)],
            "0.00",
            id="big-withdrawal-promotes-every-reserve-that-fits",
        ),
        pytest.param(
            "c",
            [("a", FUNDED, None), ("b", RESERVE, 1), ("c", WITHDRAWN, None), ("d", FUNDED, None)],
            "20.00",
            id="first-reserve-too-big-next-one-promoted",
        ),
        pytest.param(
            "b",
            [("a", FUNDED, None), ("b", WITHDRAWN, None), ("c", FUNDED, None), ("d", RESERVE, 1)],
            "10.00",
            id="reserve-withdraws-no-money-freed",
        ),
    ],
)
def test_promote_after_withdrawal(withdrawn, expected, remaining):
    line = promote_after_withdrawal(funding_line(LADDER, D(100)), withdrawn, D(100))
    assert outcomes(line) == expected
    assert line.remaining == D(remaining)
    assert line.decision(withdrawn).awarded == D(0)
    promoted = [d for d in line.decisions if d.outcome is FUNDED and "reserve list" in d.reason]
    assert all(withdrawn in d.reason for d in promoted)


def test_promotion_never_demotes_a_funded_proposal():
    # Budget 100: a 40, b 50, c 10 funded exactly; reserve d 70. c withdraws: 10 free, d needs
    # 70: nothing happens, and a and b stay funded.
    entries = [ranked("a", 1, "40"), ranked("b", 2, "50"), ranked("c", 3, "10")]
    entries.append(ranked("d", 4, "70"))
    line = promote_after_withdrawal(funding_line(entries, D(100)), "c")
    assert line.funded_keys == ("a", "b")
    assert line.reserve_keys == ("d",)
    assert line.remaining == D(10)


def test_promotion_uses_a_new_budget_when_given():
    line = promote_after_withdrawal(funding_line(LADDER, D(100)), "c", D(150))
    # 150 - 60 (a) = 90: b (50) and d (20) are promoted, 20 left.
    assert line.funded_keys == ("a", "b", "d")
    assert line.budget == D(150)
    assert line.remaining == D(20)


@pytest.mark.parametrize(
    ("key", "error", "message"),
    [("low", ValueError, r"Only a funded or reserve proposal can withdraw \(rejected\)\."),
     ("x", ValueError, r"Only a funded or reserve proposal can withdraw \(ineligible\)\."),
     ("nobody", KeyError, "'nobody'")],
    ids=["rejected", "ineligible", "unknown"],
)
def test_only_funded_or_reserve_proposals_can_withdraw(key, error, message):
    line = funding_line([*LADDER, below("low")], D(100), ineligible=["x"])
    with pytest.raises(error, match=message):
        promote_after_withdrawal(line, key, D(100))


def test_a_cut_budget_that_no_longer_covers_funded_grants_is_refused():
    with pytest.raises(ValueError, match="no longer covers"):
        promote_after_withdrawal(funding_line(LADDER, D(100)), "b", D(50))


def test_line_serialises_to_json():
    line = funding_line([*LADDER, below("low")], D(100), ineligible=["x"])
    data = json.loads(json.dumps(line.to_dict()))
    assert data["budget"] == "100.00"
    assert data["remaining"] == "10.00"
    assert [d["outcome"] for d in data["decisions"]] == [
        "funded", "reserve", "funded", "reserve", "rejected", "ineligible",
    ]  # fmt: skip
    assert data["decisions"][1]["reserve_rank"] == 1
