"""When a call's deadline may move (app/calls/rules/deadlines.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.calls.rules.deadlines import (
    DeadlineMove,
    deadline_move_refusal,
    notice_days_refusal,
    opening_refusal,
)

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=30, seconds=45)  # as stored: with seconds
REASON = "The budget year ends earlier."


@pytest.mark.parametrize("opened, new, reason, refused", [
    (False, NOW + timedelta(minutes=2), "", None),  # not open yet: still the officer's draft
    (True, DEADLINE + timedelta(days=1), "", None),  # later: always fair
    (True, DEADLINE + timedelta(seconds=10), "", None),  # same minute: not a move
    (True, DEADLINE - timedelta(seconds=30), "", None),  # re-saved at minute precision
    (True, NOW + timedelta(minutes=2), "", "give the reason"),
    (True, NOW + timedelta(days=20), "too short", "give the reason"),
    (True, NOW + timedelta(days=13, hours=23), REASON, "at least 14 days of notice"),
    (True, NOW + timedelta(days=14), REASON, None),
])
def test_an_open_calls_deadline_moves_earlier_only_with_reason_and_notice(
        opened, new, reason, refused):
    problem = deadline_move_refusal(DeadlineMove(DEADLINE, new), opened=opened, now=NOW,
                                    notice_days=14, reason=reason)
    assert (problem is None) is (refused is None)
    if refused:
        assert refused in problem


def test_one_day_of_notice_is_written_in_the_singular():
    problem = deadline_move_refusal(DeadlineMove(DEADLINE, NOW + timedelta(hours=2)),
                                    opened=True, now=NOW, notice_days=1, reason=REASON)
    assert problem.endswith("at least 1 day of notice from now.")


def test_notice_is_not_lowered_and_opening_not_moved_once_open():
    assert notice_days_refusal(14, 3, opened=False) is None
    assert notice_days_refusal(14, 30, opened=True) is None
    assert "cannot be lowered" in notice_days_refusal(14, 3, opened=True)
    assert opening_refusal(NOW, NOW + timedelta(seconds=20), opened=True) is None
    assert "can no longer change" in opening_refusal(NOW, NOW + timedelta(days=1), opened=True)
    assert opening_refusal(NOW, NOW + timedelta(days=1), opened=False) is None
