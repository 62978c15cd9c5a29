"""Moving a call's dates fairly: judge the move, keep a dated notice, tell who has started.

Calls know nothing of applications (packages depend downward), so the e-mail to coordinators
is sent by a receiver of `deadline_moved` that the applications package connects
(app/applications/services/deadline_notices.py). It runs in the same transaction: the notice,
the audit event and the e-mails are kept together or not at all.
"""

from datetime import datetime
from typing import Any

from blinker import Namespace

from app.accounts.models import User
from app.calls.models import Call, DeadlineChange
from app.calls.rules.deadlines import (
    DeadlineMove,
    deadline_move_refusal,
    notice_days_refusal,
    opening_refusal,
)
from app.calls.rules.lifecycle import CallStatus
from app.core import audit
from app.core.errors import DomainError
from app.core.extensions import db
from app.core.i18n import translate

_signals = Namespace()
# Sent with the call and the DeadlineChange; receivers return how many people they told.
deadline_moved = _signals.signal("call-deadline-moved")


def is_opened(call: Call, now: datetime) -> bool:
    """Published and past its opening: applicants may be working on it."""
    return call.status == CallStatus.PUBLISHED and call.opens_at <= now


def refuse_unfair_dates(call: Call, fields: dict[str, Any], *, reason: str,
                        now: datetime) -> None:
    """DomainError next to the field when the new dates break the promise made to applicants."""
    opened = is_opened(call, now)
    if "opens_at" in fields and (
            problem := opening_refusal(call.opens_at, fields["opens_at"], opened=opened)):
        raise DomainError(translate(problem), field="opens_at")
    if "deadline_notice_days" in fields and (problem := notice_days_refusal(
            call.deadline_notice_days, fields["deadline_notice_days"], opened=opened)):
        raise DomainError(translate(problem), field="deadline_notice_days")
    if "closes_at" in fields and (problem := deadline_move_refusal(
            DeadlineMove(call.closes_at, fields["closes_at"]), opened=opened, now=now,
            notice_days=call.deadline_notice_days, reason=reason)):
        field = "closes_at" if "notice" in problem else "deadline_change_reason"  # the English
        raise DomainError(translate(problem), field=field)


def record_deadline_move(call: Call, old_closes_at: datetime, *, reason: str, by: User,
                         now: datetime) -> DeadlineChange | None:
    """After the change: a published call's new deadline becomes a notice, audited and sent."""
    if call.status == CallStatus.DRAFT or _minute(old_closes_at) == _minute(call.closes_at):
        return None
    change = DeadlineChange(call=call, changed_by_id=by.id, changed_at=now,
                            old_closes_at=old_closes_at, new_closes_at=call.closes_at,
                            reason=reason.strip())
    db.session.add(change)
    db.session.flush()
    change.coordinators_told = sum(told or 0 for _, told in
                                   deadline_moved.send(call, change=change))
    audit.record(by, "call.deadline_changed", call, {
        "from": old_closes_at.isoformat(), "to": call.closes_at.isoformat(),
        "reason": change.reason, "coordinators_told": change.coordinators_told})
    return change


def _minute(value: datetime) -> datetime:
    return value.replace(second=0, microsecond=0)
