"""SME status from the figures (Recommendation 2003/361/EC Annex Art. 2; reference.md §4)."""

from decimal import Decimal

import pytest

from app.accounts.rules.sme import assess_sme

M = Decimal(1_000_000)

# (headcount, turnover, balance sheet, size) at each boundary: staff strictly below the
# ceiling, money at most the ceiling, turnover OR balance sheet within it.
BOUNDARIES = [
    pytest.param(9, 2 * M, None, "micro", id="micro-9-staff-2m-turnover"),
    pytest.param(9, None, 2 * M, "micro", id="micro-balance-sheet-alone"),
    pytest.param(10, 2 * M, 2 * M, "small", id="10-staff-is-small"),
    pytest.param(9, 2 * M + 1, 2 * M + 1, "small", id="micro-staff-over-2m-both-is-small"),
    pytest.param(9, 5 * M, 2 * M, "micro", id="turnover-over-but-balance-within-is-micro"),
    pytest.param(49, 10 * M, None, "small", id="small-49-staff-10m"),
    pytest.param(50, 10 * M, 10 * M, "medium", id="50-staff-is-medium"),
    pytest.param(49, 10 * M + 1, 10 * M + 1, "medium", id="small-over-10m-both-is-medium"),
    pytest.param(249, 50 * M, None, "medium", id="medium-249-staff-50m-turnover"),
    pytest.param(249, None, 43 * M, "medium", id="medium-43m-balance-sheet"),
    pytest.param(249, 50 * M + 1, 43 * M, "medium", id="turnover-over-balance-within"),
    pytest.param(249, 50 * M + 1, 43 * M + 1, "not_sme", id="both-over-medium-ceilings"),
    pytest.param(249, 50 * M + 1, None, "not_sme", id="turnover-over-no-balance-sheet"),
    pytest.param(250, 1 * M, 1 * M, "not_sme", id="250-staff-never-an-sme"),
    pytest.param(0, Decimal(0), None, "micro", id="no-staff-no-turnover"),
]


@pytest.mark.parametrize(("headcount", "turnover", "balance", "size"), BOUNDARIES)
def test_size_at_each_boundary(headcount, turnover, balance, size):
    assessment = assess_sme(headcount, turnover, balance)
    assert assessment.size == size
    assert assessment.is_sme is (size != "not_sme")


@pytest.mark.parametrize(("headcount", "turnover", "balance", "reason"), [
    (9, 2 * M, None, "Micro enterprise: 9 staff < 10 and turnover EUR 2 m ≤ EUR 2 m."),
    (40, 12 * M, 9 * M, "Small enterprise: 40 staff < 50 and balance sheet EUR 9 m ≤ EUR 10 m."),
    (300, 1 * M, None, "Not an SME: 300 staff, 250 or more."),
    (100, 60 * M, 50 * M, "Not an SME: turnover above EUR 50 m and balance sheet above EUR 43 m "
                          "(or not given)."),
    (5, Decimal("1500000.50"), None, "Micro enterprise: 5 staff < 10 and turnover "
                                     "EUR 1,500,000.50 ≤ EUR 2 m."),
])
def test_the_reason_shows_why(headcount, turnover, balance, reason):
    assert assess_sme(headcount, turnover, balance).reason == reason


@pytest.mark.parametrize(("headcount", "turnover", "balance"), [
    (None, 1 * M, 1 * M), (5, None, None), (None, None, None)])
def test_headcount_and_one_financial_figure_are_needed(headcount, turnover, balance):
    assessment = assess_sme(headcount, turnover, balance)
    assert assessment.size is None and not assessment.is_sme
    assert assessment.label == "SME status not assessed"


def test_negative_figures_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        assess_sme(-1, M, None)
