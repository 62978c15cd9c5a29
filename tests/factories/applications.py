"""Creator fixtures for applications: make_consortium builds one with accepted partners."""

import itertools
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import pytest

from app.accounts.models import Role, User
from app.applications.models import (
    Application,
    ApplicationStatus,
    BudgetLineRow,
    Participant,
    ParticipantRole,
    Submission,
)
from app.applications.rules.submission import snapshot_sha256
from app.applications.services.checklist import build_checklist
from app.applications.services.snapshot import build_snapshot
from app.core.database import utcnow
from app.core.extensions import db
from tests.factories.pdfs import MINIMAL_PDF

_sequence = itertools.count(1)
# A real one-page PDF: uploads are parsed, not only checked for the magic bytes.
PDF_BYTES = MINIMAL_PDF
TECHNICAL_ANNEX = [{"code": "technical_annex", "name": "Technical annex", "mandatory": True}]

# (country, org_type, is_sme, fields of science) of the coordinator, then each partner:
# three independent entities from three countries, one a research organisation.
DEFAULT_MEMBERS = (("DE", "PRC", True, ["2.2"]), ("IT", "HES", False, ["1.2"]),
                   ("AT", "REC", False, ["5.2"]))


def submit_directly(application: Application, *, by: User, at: datetime, number: int = 1,
                    key: str | None = None) -> Submission:
    """A Submission row as the product stores it: the snapshot from build_snapshot(), its
    snapshot_sha256() and the requested amount from the same checklist. Left to the caller:
    the receipt PDF (rendering takes a second), the application's status, and telling the call
    with mark_submitted()."""
    checklist = build_checklist(application, store=True)
    snapshot = build_snapshot(application, number=number, at=at, checklist=checklist)
    submission = Submission(
        application=application, number=number, snapshot=snapshot,
        snapshot_sha256=snapshot_sha256(snapshot), submitted_at=at,
        submitted_by_id=by.id, idempotency_key=key or f"test-{application.id}-{number}",
        requested_amount=checklist.budget.requested)
    db.session.add(submission)
    return submission


@dataclass
class Consortium:
    application: Application
    coordinator: User
    partners: list[User] = field(default_factory=list)

    def participant_of(self, user: User) -> Participant:
        return next(p for p in self.application.participants if p.contact_user_id == user.id)


@pytest.fixture
def make_consortium(app, make_call, make_user, make_organisation):
    """An application whose members are all accepted, each with one personnel budget line."""

    def make(*, call=None, members=DEFAULT_MEMBERS, acronym: str | None = None,
             amount: Decimal = Decimal("10000.00"), status: str = ApplicationStatus.DRAFT,
             **fields) -> Consortium:
        call = call or make_call()
        users = []
        for country, org_type, is_sme, _ in members:
            organisation = make_organisation(country=country, org_type=org_type, is_sme=is_sme)
            users.append(make_user(Role.applicant, organisation=organisation))
        n = next(_sequence)
        application = Application(call=call, acronym=acronym or f"PRJ{n}",
                                  title=fields.pop("title", f"Project {n}"),
                                  created_by_id=users[0].id, status=status, **fields)
        for index, (user, member) in enumerate(zip(users, members, strict=True)):
            participant = Participant(
                organisation_id=user.organisation_id, contact_user_id=user.id,
                role=ParticipantRole.COORDINATOR if index == 0 else ParticipantRole.PARTNER,
                invited_email=user.email, accepted_at=utcnow(), fields_of_science=member[3])
            participant.budget_lines.append(BudgetLineRow(
                category="A", ict_category="broadband", amount=amount, open_source=False,
                description="Staff"))
            application.participants.append(participant)
        db.session.add(application)
        db.session.flush()
        build_checklist(application, store=True)
        db.session.commit()
        return Consortium(application, users[0], users[1:])

    return make


_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
_NAME = re.compile(r'name="([^"]+)"')
_VALUE = re.compile(r'value="([^"]*)"')


def hidden_fields(html: str, form_id: str | None = None) -> dict[str, str]:
    """The hidden inputs of a page (or of the form with `form_id`): csrf, version, key."""
    if form_id is not None:
        start = html.index(f'id="{form_id}"')
        html = html[start:html.index("</form>", start)]
    values = {}
    for tag in _HIDDEN.findall(html):
        name, value = _NAME.search(tag), _VALUE.search(tag)
        if name:
            values.setdefault(name.group(1), value.group(1) if value else "")
    return values


def form_of(client, url: str, form_id: str | None = None) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return hidden_fields(response.get_data(as_text=True), form_id)
