"""When a call's deadline may move (pure).

Applicants plan their work on the published deadline. Before the call opens an officer may
still set it freely; once it is open the deadline may move later at any time, but earlier only
with a reason the applicants read, at least the call's minimum notice ahead, and an e-mail to
every coordinator who has started (services/deadlines.py sends it).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.rules.messages import N_, Message, Nn_, Plural

DEFAULT_NOTICE_DAYS = 14
MAX_NOTICE_DAYS = 365
MIN_REASON_LENGTH = 10


@dataclass(frozen=True)
class DeadlineMove:
    old: datetime
    new: datetime

    @property
    def is_earlier(self) -> bool:
        # The editor sets minutes: a stored deadline with seconds is not moved by re-saving it.
        return _minute(self.new) < _minute(self.old)


def _minute(value: datetime) -> datetime:
    return value.replace(second=0, microsecond=0)


def deadline_move_refusal(move: DeadlineMove, *, opened: bool, now: datetime,
                          notice_days: int, reason: str) -> Message | None:
    """Why the move is unfair to applicants, or None when it may go ahead.

    `opened`: the call is published and its opening has passed (applicants are working on it).
    """
    if not opened or not move.is_earlier:
        return None
    if len(reason.strip()) < MIN_REASON_LENGTH:
        return Message(N_("The call is open: to bring the deadline forward, give the reason "
                          "applicants will read (at least %(length)d characters)."),
                       length=MIN_REASON_LENGTH)
    if move.new - now < timedelta(days=notice_days):
        return Plural(Nn_("The call is open: an earlier deadline must leave applicants at least "
                          "%(num)d day of notice from now.",
                          "The call is open: an earlier deadline must leave applicants at least "
                          "%(num)d days of notice from now."), notice_days)
    return None


def notice_days_refusal(old: int, new: int, *, opened: bool) -> Message | None:
    """Lowering the minimum notice once the call is open would undo the promise made."""
    if opened and new < old:
        return Message(N_("The call is open: its minimum notice for an earlier deadline cannot "
                          "be lowered."))
    return None


def opening_refusal(old: datetime, new: datetime, *, opened: bool) -> Message | None:
    """Once applicants can apply, moving the opening would close the call under them."""
    if opened and _minute(old) != _minute(new):
        return Message(N_("The call has opened: its opening date can no longer change."))
    return None
