"""Score scales offered by the review form, and the checks on scores and comments."""

from decimal import Decimal

import pytest

from app.evaluation.forms import scale
from app.evaluation.rules.scoring import Criterion
from app.evaluation.services.calls import FieldErrors, read_scores


def criterion(code="excellence", low="0", high="5", step="0.5", threshold="3"):
    return Criterion.from_dict({"code": code, "label": code.capitalize(), "min": low,
                                "max": high, "step": step, "threshold": threshold})


@pytest.mark.parametrize(("low", "high", "step", "expected"), [
    ("0", "5", "0.5", ["0", "0.5", "1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5"]),
    ("0", "5", "1", ["0", "1", "2", "3", "4", "5"]),
    ("1", "4", "1.5", ["1", "2.5", "4"]),
    ("0", "2", "0.25", ["0", "0.25", "0.5", "0.75", "1", "1.25", "1.5", "1.75", "2"]),
])
def test_scale_lists_every_allowed_score(low, high, step, expected):
    assert scale(criterion(low=low, high=high, step=step, threshold=None)) == expected


def test_scale_of_the_tender_preset_goes_in_whole_points():
    assert scale(criterion(high="40", step="1", threshold="24"))[-3:] == ["38", "39", "40"]
    assert len(scale(criterion(high="40", step="1", threshold="24"))) == 41


CRITERIA = (criterion("excellence"), criterion("impact"))


def test_a_draft_keeps_what_is_given_and_normalises_scores():
    scores, comments = read_scores(CRITERIA, {"excellence": "4.50", "impact": ""},
                                   {"excellence": "  Good.  "}, complete=False, min_comment=20)
    assert scores == {"excellence": "4.5"}
    assert comments == {"excellence": "Good.", "impact": ""}


def test_every_problem_is_reported_at_once_against_its_field():
    with pytest.raises(FieldErrors, match="Please correct the fields marked below.") as caught:
        read_scores(CRITERIA, {"excellence": "3.25", "impact": None},
                    {"excellence": "Too short", "impact": "x" * 20}, complete=True,
                    min_comment=20)
    assert caught.value.errors == {
        "score_excellence": "Scores go in steps of 0.5 from 0: enter 3 or 3.5.",
        "comment_excellence": "Write at least 20 characters (9 so far).",
        "score_impact": "Choose a score.",
    }


def test_off_scale_scores_are_refused_even_in_a_draft():
    with pytest.raises(FieldErrors, match="Please correct the fields marked below.") as caught:
        read_scores(CRITERIA, {"excellence": "7"}, {}, complete=False, min_comment=0)
    assert caught.value.errors == {"score_excellence": "Enter a score between 0 and 5."}


def test_a_complete_report_passes_with_long_enough_comments():
    scores, _ = read_scores(CRITERIA, {"excellence": "5", "impact": Decimal("0")},
                            {"excellence": "x" * 20, "impact": "y" * 20}, complete=True,
                            min_comment=20)
    assert scores == {"excellence": "5", "impact": "0"}
