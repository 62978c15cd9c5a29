"""Call lifecycle: stored statuses, clock-driven phases and the transition table (pure)."""

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType


class CallKind(StrEnum):
    GRANT = "grant"
    TENDER = "tender"


class CallStatus(StrEnum):
    """What an officer last did to the call; open/closed is not stored but read off the clock."""

    DRAFT = "draft"
    PUBLISHED = "published"
    UNDER_EVALUATION = "under_evaluation"
    RESULTS_PUBLISHED = "results_published"
    ARCHIVED = "archived"


class Phase(StrEnum):
    """Where a call stands for applicants, derived from its dates."""

    FORTHCOMING = "forthcoming"
    OPEN = "open"
    CLOSED = "closed"


class CallAction(StrEnum):
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    START_EVALUATION = "start_evaluation"
    PUBLISH_RESULTS = "publish_results"
    ARCHIVE = "archive"


class TransitionError(ValueError):
    """An action that the call's status, dates or submissions do not allow."""


# An unused draft may be archived so that abandoned drafts leave the officer's list
# without being deleted (calls are referenced by audit events).
TRANSITIONS: Mapping[tuple[CallStatus, CallAction], CallStatus] = MappingProxyType(
    {
        (CallStatus.DRAFT, CallAction.PUBLISH): CallStatus.PUBLISHED,
        (CallStatus.DRAFT, CallAction.ARCHIVE): CallStatus.ARCHIVED,
        (CallStatus.PUBLISHED, CallAction.UNPUBLISH): CallStatus.DRAFT,
        (CallStatus.PUBLISHED, CallAction.START_EVALUATION): CallStatus.UNDER_EVALUATION,
        (CallStatus.UNDER_EVALUATION, CallAction.PUBLISH_RESULTS): CallStatus.RESULTS_PUBLISHED,
        (CallStatus.RESULTS_PUBLISHED, CallAction.ARCHIVE): CallStatus.ARCHIVED,
    }
)

STATUS_LABELS = {
    CallStatus.DRAFT: "Draft",
    CallStatus.PUBLISHED: "Published",
    CallStatus.UNDER_EVALUATION: "Under evaluation",
    CallStatus.RESULTS_PUBLISHED: "Results published",
    CallStatus.ARCHIVED: "Archived",
}
_NOT_FROM_HERE = {
    CallAction.PUBLISH: "Only a draft can be published",
    CallAction.UNPUBLISH: "Only a published call can be unpublished",
    CallAction.START_EVALUATION: "Only a published call can go to evaluation",
    CallAction.PUBLISH_RESULTS: "Results can be published only for a call under evaluation",
    CallAction.ARCHIVE: "Only a draft or a call with published results can be archived",
}


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{name} must be a timezone-aware datetime")


def _require_aware_times(
    opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> None:
    _require_aware("now", now)
    _require_aware("opens_at", opens_at)
    _require_aware("closes_at", closes_at)


def phase(
    status: CallStatus,
    opens_at: datetime | None,
    closes_at: datetime | None,
    now: datetime,
) -> Phase | None:
    """The applicant-facing phase: None for a draft, the clock's verdict for a published call,
    CLOSED once evaluation has started. ValueError for naive datetimes or a published call
    without both dates."""
    _require_aware_times(opens_at, closes_at, now)
    status = CallStatus(status)
    if status is CallStatus.DRAFT:
        return None
    if status is not CallStatus.PUBLISHED:
        return Phase.CLOSED
    if opens_at is None or closes_at is None:
        raise ValueError("a published call needs both opens_at and closes_at")
    if now < opens_at:
        return Phase.FORTHCOMING
    if now < closes_at:
        return Phase.OPEN
    return Phase.CLOSED


def _guard(
    status: CallStatus,
    action: CallAction,
    *,
    opens_at: datetime | None,
    closes_at: datetime | None,
    now: datetime,
    has_submissions: bool,
) -> str | None:
    """Why the action is refused, or None when it may go ahead."""
    if (status, action) not in TRANSITIONS:
        return f"{_NOT_FROM_HERE[action]}; this call's status is {STATUS_LABELS[status]}."
    if action is CallAction.PUBLISH:
        if opens_at is None or closes_at is None:
            return "Set the opening and closing dates before publishing the call."
        if opens_at >= closes_at:
            return "The closing date must come after the opening date."
        if closes_at <= now:
            return "The closing date has already passed; move it to the future to publish."
        return None
    current = phase(status, opens_at, closes_at, now)
    if action is CallAction.UNPUBLISH:
        if current is not Phase.FORTHCOMING:
            return "The call has already opened; it can no longer be unpublished."
        if has_submissions:
            return "The call already has submissions; it can no longer be unpublished."
        return None
    if action is CallAction.START_EVALUATION and current is not Phase.CLOSED:
        return "Evaluation can start only after the call has closed."
    return None


def transition(
    status: CallStatus,
    action: CallAction,
    *,
    opens_at: datetime | None,
    closes_at: datetime | None,
    now: datetime,
    has_submissions: bool,
) -> CallStatus:
    """The status after `action`, or TransitionError with a message fit to show the officer."""
    status, action = CallStatus(status), CallAction(action)
    _require_aware_times(opens_at, closes_at, now)
    reason = _guard(
        status,
        action,
        opens_at=opens_at,
        closes_at=closes_at,
        now=now,
        has_submissions=has_submissions,
    )
    if reason is not None:
        raise TransitionError(reason)
    return TRANSITIONS[status, action]


def allowed_actions(
    status: CallStatus,
    *,
    opens_at: datetime | None,
    closes_at: datetime | None,
    now: datetime,
    has_submissions: bool,
) -> tuple[CallAction, ...]:
    """The actions `transition` would accept right now, in CallAction order (for buttons)."""
    status = CallStatus(status)
    _require_aware_times(opens_at, closes_at, now)
    return tuple(
        action
        for action in CallAction
        if _guard(
            status,
            action,
            opens_at=opens_at,
            closes_at=closes_at,
            now=now,
            has_submissions=has_submissions,
        )
        is None
    )
