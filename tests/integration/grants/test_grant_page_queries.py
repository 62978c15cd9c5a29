"""The grant pages read each panel in a fixed number of statements (issue 18, "fast at
scale"): more claims, payments or amendments add rows, never statements."""

from app.core.extensions import db
from app.grants.services import amendments
from app.grants.services.listing import beneficiaries_and_plan_of
from app.grants.services.tracking import grant_records, grant_tracking, overview
from tests.factories.grants import PAYMENT_MODEL


def _statements(client, count_queries, url: str) -> tuple[int, str]:
    assert client.get(url).status_code == 200  # warm caches (mappers, templates)
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_tracking_from_the_loaded_plan_lines_equals_the_grouped_query(make_grant, make_claim,
                                                                      pay_installment):
    case = make_grant()
    make_claim(case, lines=(("A", "broadband", "20000.00"),), approve=True)
    pay_installment(case, 1)
    queried = grant_tracking(case.grant)
    expected_lines = [line.id for line in case.grant.plan_lines]
    db.session.expire_all()
    beneficiaries = beneficiaries_and_plan_of(case.grant)  # sets grant.plan_lines from its rows
    assert [b.id for b in beneficiaries] == sorted(b.id for b in case.grant.beneficiaries)
    assert [line.id for line in case.grant.plan_lines] == expected_lines and expected_lines
    loaded = grant_tracking(case.grant, plan_lines=case.grant.plan_lines,
                            records=grant_records(case.grant))
    assert loaded == queried
    assert loaded.total.planned > 0 and loaded.total.claimed > 0 and loaded.total.paid > 0


def test_tracking_of_a_grant_with_nothing_claimed_or_paid_reads_no_sums(make_grant,
                                                                         count_queries):
    case = make_grant()
    records, lines = grant_records(case.grant), list(case.grant.plan_lines)
    with count_queries() as statements:
        tracking = grant_tracking(case.grant, plan_lines=lines, records=records)
    assert statements == []
    assert tracking == grant_tracking(case.grant)
    assert tracking.total.planned > 0 and tracking.total.claimed == tracking.total.paid == 0


def test_grant_page_statements_do_not_grow_with_claims_payments_and_amendments(
        client, sign_in, count_queries, make_grant, make_claim, pay_installment):
    case = make_grant()
    url = f"/grants/{case.grant.id}"
    make_claim(case, period=1, approve=True)
    pay_installment(case, 1)
    first, second = case.grant.beneficiaries[:2]
    proposal = amendments.propose(
        case.grant.id, by=case.officer, kind="beneficiary_transfer", reason="Work package 3",
        changes={"giver": str(first.id), "receiver": str(second.id), "amount": "100.00"})
    db.session.commit()
    sign_in(case.finance)
    few, page = _statements(client, count_queries, url)
    assert "Payment executed: 43,750.00" in page and 'id="open-amendment"' in page

    amendments.decide(proposal.id, by=case.coordinator, decision="accept", reason="")
    amendments.propose(
        case.grant.id, by=case.coordinator, kind="beneficiary_transfer", reason="Work package 4",
        changes={"giver": str(second.id), "receiver": str(first.id), "amount": "50.00"})
    db.session.commit()
    make_claim(case, period=2, submit=False)  # a draft: period 2 has not started
    pay_installment(case, 2)
    db.session.expire_all()
    more, page = _statements(client, count_queries, url)
    assert "Work package 4" in page and "Work package 3" in page and "Period 2" in page
    assert page.count("Payment executed:") == 2
    assert more == few


def test_a_new_grant_page_reads_no_claims_payments_or_amendments(client, sign_in, count_queries,
                                                                 make_grant, make_claim,
                                                                 pay_installment):
    case = make_grant()
    url = f"/grants/{case.grant.id}"
    sign_in(case.finance)
    new, page = _statements(client, count_queries, url)
    for text in ("No claim yet.", "Nothing paid yet.", "No amendment yet."):
        assert text in page, text
    make_claim(case, approve=True)
    pay_installment(case, 1)
    db.session.expire_all()
    with_records, page = _statements(client, count_queries, url)
    assert "No claim yet." not in page and "Nothing paid yet." not in page
    # The claims, the payments (with who recorded them) and their sums: read only now.
    assert with_records > new


def test_overview_offers_every_call_with_a_grant_and_lines_for_committed_ones(
        make_grant, make_call, make_funder):
    signed = make_grant()
    funder = signed.grant.call.funder
    prepared = make_grant(call=make_call(funder=funder, payment_model=PAYMENT_MODEL),
                          status="prepared")
    calls = sorted((signed.grant.call, prepared.grant.call), key=lambda call: call.reference)
    figures = overview(by=signed.finance)
    assert figures.choices == calls and figures.call_id is None
    assert [(line.call, line.grants, line.committed) for line in figures.calls] == [
        (signed.grant.call, 1, signed.grant.awarded_amount)]
    only = overview(by=signed.finance, call_id=prepared.grant.call_id)
    assert (only.call_id, only.calls, only.currencies) == (prepared.grant.call_id, [], {})
    foreign = make_call(funder=make_funder(), payment_model=PAYMENT_MODEL)
    shown = overview(by=signed.finance, call_id=foreign.id)  # another funder's: all of its own
    assert shown.call_id is None and [line.call for line in shown.calls] == [signed.grant.call]
