"""Grant agreements: prepared from a funded proposal, accepted, signed, scheduled; who sees what."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.applications.models import ApplicationStatus
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.core.mail import OutboxMessage
from app.grants.models import Grant, GrantBeneficiary, GrantPlanLine
from app.grants.rules.lifecycle import GrantStatus, InstallmentStatus
from tests.conftest import csrf_token

D = Decimal


def _prepare(client, application, **changes):
    url = f"/grants/prepare/{application.id}"
    data = {"agreement_number": "AGR-1", "awarded_amount": "100000.00",
            "start_date": "2026-01-01", "end_date": "", "csrf_token": csrf_token(client, url),
            **changes}
    return client.post(url, data=data)


@pytest.fixture
def officer_for(make_user):
    def make(application):
        return make_user(Role.programme_officer, funder=application.call.funder)
    return make


def test_officer_prepares_a_grant_from_a_funded_proposal(client, sign_in, officer_for,
                                                          make_funded_application):
    application = make_funded_application()
    sign_in(officer_for(application))
    page = client.get(f"/grants/prepare/{application.id}").get_data(as_text=True)
    assert "125,000.00" in page and f'value="{application.call.reference}-' in page
    response = _prepare(client, application)
    assert response.status_code == 302
    grant = db.session.scalar(select(Grant))
    assert (grant.agreement_number, grant.status) == ("AGR-1", GrantStatus.PREPARED)
    assert (grant.requested_amount, grant.awarded_amount) == (D("125000.00"), D("100000.00"))
    assert grant.funding_rate == "0.800000"  # 100,000 awarded over 125,000 eligible
    assert grant.end_date.isoformat() == "2027-12-31" and grant.duration_months == 24
    shares = db.session.scalars(select(GrantBeneficiary.awarded_amount)
                                .order_by(GrantBeneficiary.id)).all()
    assert shares == [D("60000.00"), D("40000.00")]  # in proportion to 75,000 and 50,000
    plan = db.session.scalars(select(GrantPlanLine.ict_category)).all()
    assert sorted(plan) == ["broadband", "cloud_software", "online_communication",
                            "web_content_management"]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "grant.prepared"))
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.recipient == application.created_by.email and "AGR-1" in mail.subject


def test_officer_may_set_each_beneficiary_amount(client, sign_in, officer_for,
                                                 make_funded_application):
    application = make_funded_application()
    first, second = application.participants
    sign_in(officer_for(application))
    page = _prepare(client, application, **{f"beneficiary_{first.id}": "70000.00",
                                            f"beneficiary_{second.id}": "20000.00"})
    assert "add up to 90,000.00, not the awarded 100,000.00" in page.get_data(as_text=True)
    _prepare(client, application, **{f"beneficiary_{first.id}": "70000.00",
                                     f"beneficiary_{second.id}": "30000.00"})
    assert db.session.scalars(select(GrantBeneficiary.awarded_amount)
                              .order_by(GrantBeneficiary.id)).all() == [D("70000"), D("30000")]


@pytest.mark.parametrize(("changes", "message"), [
    ({"awarded_amount": "125000.01"}, "cannot exceed the requested 125,000.00"),
    ({"awarded_amount": "12,50"}, "Enter the amount in digits, e.g. 1,234.50"),  # en_GB
    ({"end_date": "2026-01-15"}, "at least one month"),
    ({"agreement_number": "TAKEN-1"}, "already has this agreement number"),
])
def test_preparation_errors_show_next_to_fields(client, sign_in, officer_for, make_grant,
                                                make_funded_application, changes, message):
    make_grant(status=GrantStatus.PREPARED).grant.agreement_number = "TAKEN-1"
    db.session.commit()
    application = make_funded_application()
    sign_in(officer_for(application))
    page = _prepare(client, application, **changes).get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    assert db.session.scalar(select(Grant).where(Grant.application_id == application.id)) is None


def test_only_funded_proposals_become_grants(client, sign_in, officer_for,
                                             make_funded_application):
    application = make_funded_application()
    application.status = ApplicationStatus.RESERVE
    db.session.commit()
    sign_in(officer_for(application))
    # Not even shown (tests/integration/grants/test_grant_access.py): 404 on GET and POST.
    assert _prepare(client, application).status_code == 404
    assert db.session.scalar(select(Grant)) is None


def test_officer_of_another_funder_gets_404(client, sign_in, make_user, make_funder,
                                            make_funded_application, make_grant):
    application = make_funded_application()
    case = make_grant()
    stranger = make_user(Role.programme_officer, funder=make_funder())
    sign_in(stranger)
    assert client.get(f"/grants/prepare/{application.id}").status_code == 404
    assert client.get(f"/grants/{case.grant.id}").status_code == 404
    assert case.grant.agreement_number not in client.get("/grants/").get_data(as_text=True)


def _confirm(client, grant, action):
    url = f"/grants/{grant.id}"
    return client.post(f"{url}/{action}", data={"understood": "y",
                                                "csrf_token": csrf_token(client, url)},
                       headers={"Referer": f"http://localhost{url}"})  # as a browser does


def test_coordinator_accepts_then_officer_signs_and_the_schedule_appears(client, sign_in,
                                                                         make_grant):
    case = make_grant(status=GrantStatus.PREPARED)
    grant = case.grant
    sign_in(case.partner)
    assert _confirm(client, grant, "accept").status_code == 403  # a partner may not accept
    sign_in(case.coordinator)
    assert _confirm(client, grant, "accept").status_code == 302
    assert grant.status == GrantStatus.ACCEPTED and grant.accepted_by_id == case.coordinator.id
    sign_in(case.officer)
    _confirm(client, grant, "sign")
    assert grant.status == GrantStatus.SIGNED
    assert grant.application.status == ApplicationStatus.GRANT
    amounts = [i.planned_amount for i in grant.installments]
    assert amounts == [D("43750.00"), D("62500.00"), D("18750.00")]  # 40 % less 5 %, to 90 %
    assert sum(amounts) == grant.awarded_amount
    assert [i.status for i in grant.installments] == [
        InstallmentStatus.PAYABLE, InstallmentStatus.PLANNED, InstallmentStatus.PLANNED]
    page = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert "43,750.00" in page and "After approval of periodic report 1" in page
    assert {e.action for e in db.session.scalars(select(AuditEvent))} >= {
        "grant.prepared", "grant.accepted", "grant.signed"}


def test_signing_needs_acceptance_first(client, sign_in, make_grant):
    case = make_grant(status=GrantStatus.PREPARED)
    sign_in(case.officer)
    _confirm(client, case.grant, "sign")
    page = client.get(f"/grants/{case.grant.id}").get_data(as_text=True)
    assert "A grant that is prepared cannot become signed." in page
    assert case.grant.status == GrantStatus.PREPARED and case.grant.installments == []


def test_confirmation_box_is_required(client, sign_in, make_grant):
    case = make_grant(status=GrantStatus.PREPARED)
    sign_in(case.coordinator)
    url = f"/grants/{case.grant.id}"
    client.post(f"{url}/accept", data={"csrf_token": csrf_token(client, url)})
    assert case.grant.status == GrantStatus.PREPARED


def test_applicants_see_only_their_own_grant(client, sign_in, make_grant):
    mine, theirs = make_grant(), make_grant()
    for user in (mine.coordinator, mine.partner):
        sign_in(user)
        listing = client.get("/grants/mine").get_data(as_text=True)
        assert mine.grant.agreement_number in listing
        assert theirs.grant.agreement_number not in listing
        assert client.get(f"/grants/{mine.grant.id}").status_code == 200
        assert client.get(f"/grants/{theirs.grant.id}").status_code == 404
        assert client.get(f"/grants/{theirs.grant.id}/statement.pdf").status_code == 404


def test_finance_officer_of_another_funder_gets_404(client, sign_in, make_grant, make_user,
                                                    make_funder):
    case = make_grant()
    sign_in(make_user(Role.finance_officer, funder=make_funder()))
    assert client.get(f"/grants/{case.grant.id}").status_code == 404
    assert client.get(f"/grants/installments/{case.installment(1).id}/pay").status_code == 404


def test_finance_officer_sees_the_grant_but_not_the_proposal(client, sign_in, make_grant):
    case = make_grant()
    case.grant.application.abstract = "Confidential technical approach"
    db.session.commit()
    sign_in(case.finance)
    page = client.get(f"/grants/{case.grant.id}").get_data(as_text=True)
    assert case.grant.agreement_number in page and "Confidential technical approach" not in page


def test_officer_list_shows_funded_proposals_waiting_for_a_grant(client, sign_in, officer_for,
                                                                 make_funded_application):
    application = make_funded_application()
    sign_in(officer_for(application))
    page = client.get("/grants/").get_data(as_text=True)
    assert application.acronym in page and f"/grants/prepare/{application.id}" in page


def _grant_index_queries(client, count_queries):
    with count_queries() as statements:
        assert client.get("/grants/").status_code == 200
    return len(statements)


def test_grant_list_runs_the_same_queries_for_1_and_8_grants(client, sign_in, make_grant,
                                                            make_funded_application,
                                                            count_queries):
    first = make_grant()
    call = first.grant.call
    sign_in(first.finance)
    one = _grant_index_queries(client, count_queries)
    for _ in range(7):  # a query per row would show as 7 more; each grant renders its PDF
        make_grant(call=call)
    assert _grant_index_queries(client, count_queries) == one


def test_my_grants_runs_the_same_queries_for_1_and_8_grants(client, sign_in, make_grant,
                                                           count_queries):
    first = make_grant()
    sign_in(first.coordinator)

    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/grants/mine").status_code == 200
        return len(statements)

    one = queries()
    for _ in range(7):
        other = make_grant(call=first.grant.call).grant
        other.application.created_by_id = first.coordinator.id
    db.session.commit()
    assert queries() == one
    assert client.get("/grants/mine").get_data(as_text=True).count("/grants/") >= 8


def test_the_grant_list_flags_a_claim_awaiting_a_decision_and_a_payable_installment(
        client, sign_in, make_grant, make_claim, pay_installment):
    waiting = make_grant()
    quiet = make_grant(call=waiting.grant.call)
    make_claim(waiting)  # submitted; the signed grant's pre-financing is payable
    pay_installment(quiet, 1)  # nothing waits on this one
    sign_in(waiting.finance)
    page = client.get("/grants/").get_data(as_text=True)

    def row(case):
        start = page.index(f">{case.grant.agreement_number}</a>")
        return page[start:page.index("</tr>", start)]

    assert "1 claim awaiting a decision" in row(waiting)
    assert "1 installment payable" in row(waiting)
    assert 'class="list-unstyled small mb-0 attention"' not in row(quiet)
