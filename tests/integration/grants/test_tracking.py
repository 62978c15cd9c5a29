"""Tracking: a grant's plan vs claims vs payments, the funder's overview, payment statements."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

from pypdf import PdfReader

from app.accounts.models import Role
from app.core.extensions import db
from app.grants.services.tracking import grant_tracking, overview
from tests.factories.grants import PAYMENT_MODEL

D = Decimal


def test_grant_tracking_adds_up_plan_claims_and_payments(make_grant, make_claim,
                                                         pay_installment):
    case = make_grant()
    make_claim(case, lines=(("A", "broadband", "20000.00"),), approve=True)
    pay_installment(case, 1)
    pay_installment(case, 2)
    tracking = grant_tracking(case.grant)
    coordinator, partner = (b.id for b in case.grant.beneficiaries)
    assert tracking.by_ict["broadband"].planned == D("40000.00")
    assert tracking.by_ict["broadband"].claimed == D("20000.00")
    assert tracking.by_ict["cloud_software"].claimed == D("0.00")
    assert tracking.by_beneficiary[coordinator].claimed == D("20000.00")
    assert tracking.by_beneficiary_ict[(partner, "cloud_software")].planned == D("10000.00")
    assert tracking.total.planned == D("100000.00")
    assert tracking.total.paid == case.grant.disbursed_amount == D("68750.00")
    # The interim followed the claim's only line: the coordinator's broadband.
    assert tracking.by_beneficiary_ict[(coordinator, "broadband")].paid == D("17500.00") + D(
        "25000.00")


def test_grant_page_shows_plan_schedule_claims_payments_and_timeline(client, sign_in, make_grant,
                                                                     make_claim, pay_installment):
    case = make_grant()
    make_claim(case, approve=True)
    pay_installment(case, 1)
    sign_in(case.partner)
    page = client.get(f"/grants/{case.grant.id}").get_data(as_text=True)
    for text in ("ICT-investment plan", "Web content management", "100%",  # open source
                 "Payment schedule", "Period 1", "Payments", "Timeline",
                 "Signed; payment schedule generated", "Payment executed: 43,750.00",
                 "81,250.00", "<svg"):
        assert text in page, text
    assert "cdn" not in page.lower().split("<svg", 1)[1].split("</svg>", 1)[0]


def test_overview_shows_committed_disbursed_and_upcoming_payments(client, sign_in, make_grant,
                                                                  make_claim, pay_installment):
    soon = date.today() - timedelta(days=5)
    case = make_grant(start=soon)
    second = make_grant(call=case.grant.call, start=soon, countries=("IT", "SI"))
    pay_installment(case, 1)
    figures = overview(by=case.finance)
    assert list(figures.currencies) == ["EUR"]
    euros = figures.currencies["EUR"]
    assert euros.committed == D("250000.00") and euros.disbursed == D("43750.00")
    assert euros.remaining == D("206250.00")
    # The second grant's pre-financing is payable and (over)due.
    assert [i.grant_id for i in figures.upcoming] == [second.grant.id]
    assert euros.due_30 == euros.due_90 == D("43750.00")
    assert euros.by_country["DE"].planned == D("75000.00")
    assert euros.by_country["DE"].paid + euros.by_country["AT"].paid == D("43750.00")
    assert set(euros.by_country) == {"DE", "AT", "IT", "SI"}
    assert euros.by_ict["broadband"].planned == D("80000.00")
    sign_in(case.finance)
    page = client.get(f"/grants/overview?call_id={case.grant.call_id}").get_data(as_text=True)
    assert "250,000.00" in page and "Slovenia" in page and second.grant.agreement_number in page


def _country_table(page: str) -> list[str]:
    """The by-country table's rows, each its cells' text joined by '|'."""
    table = page.split('id="country-title-EUR"', 1)[1].split("<tbody>", 1)[1].split("</tbody>")[0]
    return ["|".join(re.findall(r"<td[^>]*>([^<]*)</td>", row)) for row in table.split("<tr>")[1:]]


def _country_chart(page: str) -> str:
    section = page.split('id="country-title-EUR"', 1)[1]
    return section.split('<div class="chart">', 1)[1].split("</svg>", 1)[0]


def test_overview_names_the_countries_with_most_committed_and_adds_up_the_others(
        client, sign_in, make_grant, monkeypatch):
    from app.grants.views import overview as overview_view

    case = make_grant()  # DE 75,000, AT 50,000
    make_grant(call=case.grant.call, countries=("IT", "SI"))  # IT 75,000, SI 50,000
    monkeypatch.setattr(overview_view, "COUNTRIES_SHOWN", 2)
    sign_in(case.finance)
    page = client.get("/grants/overview").get_data(as_text=True)
    assert _country_table(page) == ["Germany|€75,000.00|€0.00", "Italy|€75,000.00|€0.00",
                                    "Other|€100,000.00|€0.00"]
    chart = _country_chart(page)
    assert "Austria" not in chart and "Other" in chart  # the chart is bounded too
    assert f'href="/grants/overview?call_id={case.grant.call_id}&amp;countries=all"' not in page
    assert 'href="/grants/overview?countries=all">All countries</a>' in page
    every = client.get("/grants/overview?countries=all").get_data(as_text=True)
    assert [row.split("|")[0] for row in _country_table(every)] == [
        "Austria", "Germany", "Italy", "Slovenia"]  # in order of their code, as before
    assert "All countries</a>" not in every
    assert "Austria" not in _country_chart(every)
    monkeypatch.setattr(overview_view, "COUNTRIES_SHOWN", 4)  # all of them fit: no link
    assert "All countries</a>" not in client.get("/grants/overview").get_data(as_text=True)


def test_overview_never_adds_two_currencies(client, sign_in, make_grant, make_call,
                                             pay_installment):
    euros = make_grant()
    forints = make_grant(call=make_call(funder=euros.grant.call.funder, currency="HUF",
                                        payment_model=PAYMENT_MODEL))
    pay_installment(forints, 1)
    figures = overview(by=euros.finance)
    assert {c: (f.committed, f.disbursed) for c, f in figures.currencies.items()} == {
        "EUR": (D("125000.00"), D("0.00")), "HUF": (D("125000.00"), D("43750.00"))}
    assert set(figures.currencies["HUF"].by_country) == {"DE", "AT"}
    sign_in(euros.finance)
    page = client.get("/grants/overview").get_data(as_text=True)
    assert "Totals in EUR" in page and "Totals in HUF" in page
    assert "250,000" not in page  # the sum of both would be a number in no currency


def test_overview_shows_only_the_officers_funder(client, sign_in, make_grant, make_user,
                                                 make_funder):
    case = make_grant()
    stranger = make_user(Role.finance_officer, funder=make_funder())
    assert overview(by=stranger).currencies == {}
    sign_in(stranger)
    page = client.get(f"/grants/overview?call_id={case.grant.call_id}").get_data(as_text=True)
    assert case.grant.call.reference not in page


def test_overview_counts_only_signed_grants(make_grant):
    case = make_grant(status="prepared")
    assert overview(by=case.officer).currencies == {}


def test_beneficiary_downloads_the_payment_statement(client, sign_in, make_grant,
                                                     pay_installment):
    case = make_grant()
    pay_installment(case, 1)
    sign_in(case.partner)
    response = client.get(f"/grants/{case.grant.id}/statement.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in (case.grant.agreement_number, "43,750.00", "81,250.00", "125,000.00",
                     "Beneficiary", "Pre"):
        assert expected in text, expected


def test_admin_sees_every_grant(client, sign_in, make_grant, make_user):
    case = make_grant()
    sign_in(make_user(Role.admin))
    assert case.grant.agreement_number in client.get("/grants/").get_data(as_text=True)
    assert client.get(f"/grants/{case.grant.id}").status_code == 200
    db.session.rollback()


def test_the_overview_runs_as_many_queries_for_three_grants_as_for_one(
        client, sign_in, make_grant, make_call, pay_installment, count_queries):
    case = make_grant(start=date.today())  # its pre-financing is due: one upcoming payment
    sign_in(case.finance)
    client.get("/grants/overview")  # warm the session and caches
    with count_queries() as one:
        assert client.get("/grants/overview").status_code == 200
    funder = case.grant.call.funder
    make_grant(call=case.grant.call, start=date.today())
    other = make_grant(call=make_call(funder=funder, currency="HUF", payment_model=PAYMENT_MODEL),
                       start=date.today())
    pay_installment(other, 1)
    with count_queries() as three:
        assert client.get("/grants/overview").status_code == 200
    assert len(three) == len(one)
