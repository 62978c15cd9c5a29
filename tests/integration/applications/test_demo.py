"""Demo consortia: a failing draft for the demo coordinator, submitted ones on the closed call."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.accounts.models import Organisation
from app.applications.models import Application, Submission
from app.applications.rules.submission import snapshot_sha256
from app.calls.models import Call
from app.core import storage
from app.core.extensions import db
from app.demo.applications import CLOSED_CALL, COORDINATOR_EMAIL, DRAFT_CALL, seed_applications
from app.demo.seed import seed_demo


def _seed() -> list[Application]:
    made = seed_applications(list(db.session.scalars(select(Organisation))),
                             list(db.session.scalars(select(Call))), password_hash="x")
    db.session.commit()
    return made


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def demo(app):
    seed_demo()


def test_the_demo_applications_are_seeded_once(demo):
    first = _seed()
    counts = (_count(Application), _count(Submission))
    assert [a.id for a in _seed()] == [a.id for a in first]
    assert (_count(Application), _count(Submission)) == counts

    draft = next(a for a in first if a.call.reference == DRAFT_CALL)
    assert draft.status == "draft"
    assert draft.coordinator.contact_user.email == COORDINATOR_EMAIL
    failing = [c["code"] for c in draft.eligibility_report["checks"] if not c["passed"]]
    assert failing == ["min_research_partners"]

    submitted = [a for a in first if a.call.reference == CLOSED_CALL]
    assert 4 <= len(submitted) <= 6
    for application in submitted:
        # seed_demo goes on to evaluate them, so they are past "submitted" by now.
        assert application.status in ("submitted", "eligible", "under_evaluation")
        assert application.submissions
        last = application.submissions[-1]
        assert last.submitted_at < application.call.closes_at
        assert datetime.fromisoformat(last.snapshot["submitted_at"]) == last.submitted_at
        assert last.snapshot_sha256 == snapshot_sha256(last.snapshot)
        assert last.snapshot["eligibility"]["passed"] is True
        assert last.snapshot["attachments"] and last.requested_amount > 0
        assert storage.read(last.receipt_path).startswith(b"%PDF-")
    assert max(len(a.submissions) for a in submitted) == 2
