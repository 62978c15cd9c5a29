"""Call lifecycle: every status x every action, the clock guards and the derived phase."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.calls.rules.lifecycle import (
    TRANSITIONS,
    CallAction,
    CallKind,
    CallStatus,
    Phase,
    TransitionError,
    allowed_actions,
    phase,
    transition,
)

OPENS = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLOSES = datetime(2026, 4, 30, 15, 0, tzinfo=UTC)
MOMENTS = {
    "before_opening": OPENS - timedelta(days=1),
    "open": OPENS + timedelta(days=10),
    "after_closing": CLOSES + timedelta(days=1),
}

S, A = CallStatus, CallAction
# The oracle, written by hand from design.md 3 and the brief: for each legal pair, the
# resulting status at each moment (None = refused at that moment). Pairs not listed are
# refused always. Unpublishing is also refused once there are submissions.
EXPECTED = {
    (S.DRAFT, A.PUBLISH): {
        "before_opening": S.PUBLISHED,
        "open": S.PUBLISHED,
        "after_closing": None,
    },
    (S.DRAFT, A.ARCHIVE): dict.fromkeys(MOMENTS, S.ARCHIVED),
    (S.PUBLISHED, A.UNPUBLISH): {"before_opening": S.DRAFT, "open": None, "after_closing": None},
    (S.PUBLISHED, A.START_EVALUATION): {
        "before_opening": None,
        "open": None,
        "after_closing": S.UNDER_EVALUATION,
    },
    (S.UNDER_EVALUATION, A.PUBLISH_RESULTS): dict.fromkeys(MOMENTS, S.RESULTS_PUBLISHED),
    (S.RESULTS_PUBLISHED, A.ARCHIVE): dict.fromkeys(MOMENTS, S.ARCHIVED),
}


def _expected(status, action, moment, has_submissions):
    outcome = EXPECTED.get((status, action), {}).get(moment)
    if action is A.UNPUBLISH and has_submissions:
        return None
    return outcome


CASES = [
    pytest.param(
        status,
        action,
        moment,
        has_submissions,
        _expected(status, action, moment, has_submissions),
        id=f"{status}-{action}-{moment}-{'with' if has_submissions else 'no'}_submissions",
    )
    for status in CallStatus
    for action in CallAction
    for moment in MOMENTS
    for has_submissions in (False, True)
]


def _move(status, action, now, has_submissions=False, opens_at=OPENS, closes_at=CLOSES):
    return transition(
        status,
        action,
        opens_at=opens_at,
        closes_at=closes_at,
        now=now,
        has_submissions=has_submissions,
    )


def test_the_table_covers_all_statuses_and_actions():
    assert len(CASES) == 5 * 5 * 3 * 2


@pytest.mark.parametrize(("status", "action", "moment", "has_submissions", "expected"), CASES)
def test_transition_every_status_and_action(status, action, moment, has_submissions, expected):
    now = MOMENTS[moment]
    if expected is None:
        # Every refusal is one sentence fit to show the officer; test_refusals_say_why checks
        # what each one says.
        with pytest.raises(TransitionError, match=r"^[A-Z][^\n]*\.$"):
            _move(status, action, now, has_submissions)
    else:
        assert _move(status, action, now, has_submissions) is expected


@pytest.mark.parametrize(("status", "action", "moment", "has_submissions", "expected"), CASES)
def test_allowed_actions_matches_transition(status, action, moment, has_submissions, expected):
    allowed = allowed_actions(
        status,
        opens_at=OPENS,
        closes_at=CLOSES,
        now=MOMENTS[moment],
        has_submissions=has_submissions,
    )
    assert (action in allowed) is (expected is not None)


def test_transition_table_holds_exactly_the_legal_pairs():
    assert set(TRANSITIONS) == set(EXPECTED)
    with pytest.raises(TypeError, match="'mappingproxy' object does not support item assignment"):
        TRANSITIONS[S.ARCHIVED, A.PUBLISH] = S.DRAFT  # type: ignore[index]


@pytest.mark.parametrize(
    ("status", "action", "moment", "has_submissions", "fragment"),
    [
        pytest.param(S.ARCHIVED, A.PUBLISH, "open", False, "Only a draft can be published",
                     id="publish-not-draft"),
        pytest.param(S.DRAFT, A.UNPUBLISH, "before_opening", False,
                     "Only a published call can be unpublished", id="unpublish-not-published"),
        pytest.param(S.PUBLISHED, A.UNPUBLISH, "open", False, "already opened",
                     id="unpublish-after-opening"),
        pytest.param(S.PUBLISHED, A.UNPUBLISH, "before_opening", True, "already has submissions",
                     id="unpublish-with-submissions"),
        pytest.param(S.PUBLISHED, A.START_EVALUATION, "open", False, "after the call has closed",
                     id="evaluate-while-open"),
        pytest.param(S.DRAFT, A.START_EVALUATION, "after_closing", False,
                     "Only a published call can go to evaluation", id="evaluate-draft"),
        pytest.param(S.PUBLISHED, A.PUBLISH_RESULTS, "after_closing", False,
                     "only for a call under evaluation", id="results-skip-evaluation"),
        pytest.param(S.UNDER_EVALUATION, A.ARCHIVE, "after_closing", False,
                     "Only a draft or a call with published results", id="archive-mid-evaluation"),
        pytest.param(S.DRAFT, A.PUBLISH, "after_closing", False, "closing date has already passed",
                     id="publish-after-closing"),
    ],
)  # fmt: skip
def test_refusals_say_why(status, action, moment, has_submissions, fragment):
    with pytest.raises(TransitionError, match=fragment):
        _move(status, action, MOMENTS[moment], has_submissions)


def test_refusal_names_the_current_status():
    with pytest.raises(TransitionError, match="status is Under evaluation"):
        _move(S.UNDER_EVALUATION, A.PUBLISH, MOMENTS["open"])


@pytest.mark.parametrize(
    ("opens_at", "closes_at", "fragment"),
    [
        pytest.param(None, CLOSES, "Set the opening and closing dates", id="no-opening"),
        pytest.param(OPENS, None, "Set the opening and closing dates", id="no-closing"),
        pytest.param(CLOSES, OPENS, "must come after the opening", id="reversed"),
        pytest.param(OPENS, OPENS, "must come after the opening", id="same-moment"),
    ],
)
def test_publish_needs_a_sane_window(opens_at, closes_at, fragment):
    now = OPENS - timedelta(days=5)
    with pytest.raises(TransitionError, match=fragment):
        _move(S.DRAFT, A.PUBLISH, now, opens_at=opens_at, closes_at=closes_at)
    allowed = allowed_actions(
        S.DRAFT, opens_at=opens_at, closes_at=closes_at, now=now, has_submissions=False
    )
    assert allowed == (A.ARCHIVE,)


def test_transition_error_is_a_value_error():
    assert issubclass(TransitionError, ValueError)


def test_strings_are_accepted_for_status_and_action():
    assert _move("draft", "publish", MOMENTS["before_opening"]) is S.PUBLISHED


def test_unknown_status_is_rejected():
    with pytest.raises(ValueError, match="'open' is not a valid CallStatus"):
        _move("open", "publish", MOMENTS["before_opening"])


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        pytest.param(OPENS - timedelta(seconds=1), (A.UNPUBLISH,), id="a-second-before-opening"),
        pytest.param(OPENS, (), id="at-opening"),
        pytest.param(CLOSES - timedelta(seconds=1), (), id="a-second-before-closing"),
        pytest.param(CLOSES, (A.START_EVALUATION,), id="at-closing"),
    ],
)
def test_allowed_actions_of_a_published_call_at_the_boundaries(now, allowed):
    result = allowed_actions(
        S.PUBLISHED, opens_at=OPENS, closes_at=CLOSES, now=now, has_submissions=False
    )
    assert result == allowed


def test_allowed_actions_are_in_enum_order():
    allowed = allowed_actions(
        S.DRAFT, opens_at=OPENS, closes_at=CLOSES, now=MOMENTS["open"], has_submissions=False
    )
    assert allowed == (A.PUBLISH, A.ARCHIVE)


@pytest.mark.parametrize(
    ("status", "now", "expected"),
    [
        pytest.param(S.DRAFT, MOMENTS["open"], None, id="draft-has-no-phase"),
        pytest.param(S.PUBLISHED, OPENS - timedelta(microseconds=1), Phase.FORTHCOMING,
                     id="published-just-before-opening"),
        pytest.param(S.PUBLISHED, OPENS, Phase.OPEN, id="published-at-opening"),
        pytest.param(S.PUBLISHED, CLOSES - timedelta(microseconds=1), Phase.OPEN,
                     id="published-just-before-closing"),
        pytest.param(S.PUBLISHED, CLOSES, Phase.CLOSED, id="published-at-closing"),
        pytest.param(S.UNDER_EVALUATION, MOMENTS["after_closing"], Phase.CLOSED,
                     id="under-evaluation"),
        pytest.param(S.RESULTS_PUBLISHED, MOMENTS["after_closing"], Phase.CLOSED,
                     id="results-published"),
        pytest.param(S.ARCHIVED, MOMENTS["before_opening"], Phase.CLOSED, id="archived"),
    ],
)  # fmt: skip
def test_phase(status, now, expected):
    assert phase(status, OPENS, CLOSES, now) is expected


def test_phase_compares_instants_across_time_zones():
    vienna_summer = timezone(timedelta(hours=2))
    closing_in_vienna = CLOSES.astimezone(vienna_summer)  # 17:00 local is 15:00 UTC
    assert phase(S.PUBLISHED, OPENS, closing_in_vienna, CLOSES) is Phase.CLOSED
    just_before = CLOSES - timedelta(minutes=1)
    assert phase(S.PUBLISHED, OPENS, closing_in_vienna, just_before) is Phase.OPEN


def test_draft_phase_needs_no_dates():
    assert phase(S.DRAFT, None, None, MOMENTS["open"]) is None


def test_published_phase_needs_both_dates():
    with pytest.raises(ValueError, match="opens_at and closes_at"):
        phase(S.PUBLISHED, OPENS, None, MOMENTS["open"])


NAIVE = datetime(2026, 3, 10, 12, 0)


@pytest.mark.parametrize(
    ("opens_at", "closes_at", "now", "name"),
    [
        pytest.param(NAIVE, CLOSES, MOMENTS["open"], "opens_at", id="naive-opening"),
        pytest.param(OPENS, NAIVE, MOMENTS["open"], "closes_at", id="naive-closing"),
        pytest.param(OPENS, CLOSES, NAIVE, "now", id="naive-now"),
    ],
)
def test_naive_datetimes_are_rejected_everywhere(opens_at, closes_at, now, name):
    with pytest.raises(ValueError, match=f"{name} must be a timezone-aware"):
        phase(S.PUBLISHED, opens_at, closes_at, now)
    with pytest.raises(ValueError, match=f"{name} must be a timezone-aware") as raised:
        _move(S.DRAFT, A.ARCHIVE, now, opens_at=opens_at, closes_at=closes_at)
    assert not isinstance(raised.value, TransitionError)
    with pytest.raises(ValueError, match=f"{name} must be a timezone-aware"):
        allowed_actions(
            S.DRAFT, opens_at=opens_at, closes_at=closes_at, now=now, has_submissions=False
        )


@pytest.mark.parametrize(
    ("enum", "values"),
    [
        pytest.param(CallStatus, ["draft", "published", "under_evaluation",
                                  "results_published", "archived"], id="status"),
        pytest.param(Phase, ["forthcoming", "open", "closed"], id="phase"),
        pytest.param(CallAction, ["publish", "unpublish", "start_evaluation",
                                  "publish_results", "archive"], id="action"),
        pytest.param(CallKind, ["grant", "tender"], id="kind"),
    ],
)  # fmt: skip
def test_enum_values_are_the_stored_strings(enum, values):
    assert [member.value for member in enum] == values
