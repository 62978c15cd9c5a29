"""A dispersion flag makes the consensus's minority views required (evaluation/rules/minority)."""

from app.evaluation.rules.minority import minority_views_refusal


def test_no_flag_needs_no_minority_views():
    assert minority_views_refusal([], "") is None


def test_a_flag_needs_minority_views_naming_the_criteria():
    assert minority_views_refusal(["Excellence"], "Too short.") == (
        "The experts disagreed on the criterion Excellence: record the minority views "
        "(at least 20 characters) before submitting.")
    assert "on the criteria Excellence, Impact:" in minority_views_refusal(
        ["Excellence", "Impact"], "")
    assert minority_views_refusal(["Excellence"], "Expert 2 saw more risk in the plan.") is None
