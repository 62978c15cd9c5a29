"""The grant agreement PDF: made once, and its SHA-256 recorded with acceptance and signature."""

import hashlib
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core import storage
from app.core.audit import AuditEvent
from app.core.errors import Conflict
from app.core.extensions import db
from app.grants.models import Grant
from app.grants.rules.lifecycle import GrantStatus
from app.grants.services import agreements
from tests.conftest import csrf_token


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_accepted_and_signed_document_is_the_one_downloaded(client, sign_in, make_grant):
    case = make_grant(status=GrantStatus.PREPARED)
    sign_in(case.coordinator)
    response = client.get(f"/grants/{case.grant.id}/agreement.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert case.grant.agreement_number in text and "Payment schedule" in text
    assert all(b.organisation.name in text for b in case.grant.beneficiaries)
    assert client.get(f"/grants/{case.grant.id}/agreement.pdf").data == response.data
    page = f"/grants/{case.grant.id}"
    client.post(f"{page}/accept", data={"understood": "y",
                                        "csrf_token": csrf_token(client, page)})
    db.session.expire_all()
    assert case.grant.accepted_sha256 == _sha(response.data)
    agreements.sign_grant(case.grant.id, by=case.officer)
    db.session.commit()
    assert case.grant.signed_sha256 == case.grant.accepted_sha256
    recorded = dict(db.session.execute(select(AuditEvent.action, AuditEvent.data).where(
        AuditEvent.action.in_(("grant.accepted", "grant.signed")))).all())
    assert {data["sha256"] for data in recorded.values()} == {_sha(response.data)}
    assert _sha(response.data) in client.get(page).get_data(as_text=True)


def test_a_changed_stored_document_is_neither_accepted_nor_signed(make_grant):
    case = make_grant(status=GrantStatus.ACCEPTED)
    storage.save(case.grant.agreement_storage_key, b"%PDF-1.4 someone else's terms")
    with pytest.raises(Conflict, match="does not match its SHA-256"):
        agreements.sign_grant(case.grant.id, by=case.officer)
    db.session.rollback()
    assert db.session.get(Grant, case.grant.id).status == GrantStatus.ACCEPTED


def test_the_database_refuses_a_signature_on_another_document(make_grant):
    case = make_grant()
    case.grant.signed_sha256 = "0" * 64
    with pytest.raises(IntegrityError, match="signed_what_was_accepted"):
        db.session.flush()
    db.session.rollback()


def test_a_grant_accepted_before_fingerprints_can_still_be_signed(make_grant):
    """Grants accepted before migration 0021 have no accepted fingerprint: signing records the
    document's (audited) instead of refusing them for ever."""
    case = make_grant(status=GrantStatus.ACCEPTED)
    case.grant.accepted_sha256 = None
    db.session.commit()
    grant = agreements.sign_grant(case.grant.id, by=case.officer)
    db.session.commit()
    assert grant.status == GrantStatus.SIGNED
    assert grant.signed_sha256 == grant.accepted_sha256 == grant.agreement_sha256
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "grant.legacy_acceptance_fingerprinted")) is not None
