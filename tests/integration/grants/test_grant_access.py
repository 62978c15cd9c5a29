"""Two access defects found in the ASVS level 2 review (docs/security.md, chapter 8):
grant preparation showed proposals that were never funded, and an organisation invited to a
consortium that never accepted became a beneficiary able to read the grant."""

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.applications.models import ApplicationStatus
from app.core.extensions import db
from app.grants.models import Grant, GrantBeneficiary
from tests.conftest import csrf_token


@pytest.mark.parametrize("status", [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED,
                                    ApplicationStatus.RESERVE, ApplicationStatus.REJECTED])
def test_grant_preparation_shows_nothing_of_an_unfunded_proposal(
        client, sign_in, make_user, make_funded_application, status):
    application = make_funded_application()
    application.status = status
    application.abstract = "A never-submitted secret plan"
    db.session.commit()
    sign_in(make_user(Role.programme_officer, funder=application.call.funder))
    url = f"/grants/prepare/{application.id}"
    answer = client.get(url)
    assert answer.status_code == 404
    page = answer.get_data(as_text=True)
    assert application.acronym not in page and application.title not in page
    assert client.post(url, data={"agreement_number": "AGR-1", "awarded_amount": "1.00",
                                  "start_date": "2026-01-01",
                                  "csrf_token": csrf_token(client, "/")}).status_code == 404
    assert db.session.scalar(select(Grant)) is None


def test_an_organisation_that_never_accepted_is_no_beneficiary(
        client, sign_in, make_grant, make_funded_application):
    application = make_funded_application()
    invited = application.participants[-1]
    invited.accepted_at = None  # invited by name into the consortium; never said yes
    db.session.commit()
    case = make_grant(application=application, awarded="10000.00")
    beneficiaries = db.session.scalars(select(GrantBeneficiary.participant_id).where(
        GrantBeneficiary.grant_id == case.grant.id)).all()
    assert invited.id not in beneficiaries and len(beneficiaries) == len(
        application.participants) - 1
    sign_in(invited.contact_user)
    assert client.get(f"/grants/{case.grant.id}").status_code == 404
    assert case.grant.agreement_number not in client.get("/grants/mine").get_data(as_text=True)
    sign_in(case.coordinator)
    assert client.get(f"/grants/{case.grant.id}").status_code == 200
