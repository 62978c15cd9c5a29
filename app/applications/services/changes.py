"""Whether an application differs from what was last submitted ("changes not submitted yet").

The stored snapshot is what the funder evaluates: comparing the application's current snapshot
with it tells the coordinator honestly whether their later edits still need a submission.
"""

import json

from app.applications.models import Application
from app.applications.services.checklist import Checklist
from app.applications.services.snapshot import build_snapshot

# Not the consortium's content: the submission's own number and time, the call's texts (the
# officer may reword them) and the eligibility report (recomputed, with its own wording).
_NOT_CONTENT = ("number", "submitted_at", "call", "eligibility")


def _content(snapshot: dict) -> dict:
    return {key: value for key, value in snapshot.items() if key not in _NOT_CONTENT}


def _as_stored(content: dict) -> dict:
    # Through JSON, as stored: Decimals and dates compare as the texts they were saved as.
    return json.loads(json.dumps(content, default=str))


def has_unsubmitted_changes(application: Application, checklist: Checklist) -> bool:
    """True when the application was submitted and has changed since its last submission."""
    if not application.submissions:
        return False
    last = max(application.submissions, key=lambda made: made.number)
    current = build_snapshot(application, number=last.number, at=last.submitted_at,
                             checklist=checklist)
    # The stored snapshot was read from JSON already: only the current one goes through it.
    return _as_stored(_content(current)) != _content(last.snapshot or {})
