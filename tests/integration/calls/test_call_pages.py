"""Public call pages: what visitors see, search, filters, pagination, PDF and definition."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from app.calls.rules.lifecycle import CallKind, CallStatus


def test_public_list_shows_no_draft(client, make_call):
    make_call(title="Published broadband call")
    make_call(title="Secret draft call", status=CallStatus.DRAFT)
    page = client.get("/calls/").get_data(as_text=True)
    assert "Published broadband call" in page
    assert "Secret draft call" not in page


def test_draft_detail_is_404_for_visitors_but_visible_to_its_officer(
        client, make_call, make_user, sign_in):
    call = make_call(status=CallStatus.DRAFT)
    assert client.get(f"/calls/{call.reference}").status_code == 404
    assert client.get(f"/calls/{call.reference}/call.pdf").status_code == 404
    from app.accounts.models import Role

    sign_in(make_user(Role.programme_officer, funder_id=call.funder_id))
    assert client.get(f"/calls/{call.reference}").status_code == 200


@pytest.mark.parametrize("query, expected", [
    ("q=vouchers", {"Broadband vouchers"}),
    ("q=VOUCHERS", {"Broadband vouchers"}),
    ("phase=open", {"Broadband vouchers", "Cloud tender"}),
    ("phase=forthcoming", {"Next year's call"}),
    ("phase=closed", {"Old web call"}),
    ("kind=tender", {"Cloud tender"}),
    ("ict=cloud_software", {"Cloud tender"}),
    ("country=NO", {"Cloud tender", "Old web call"}),  # NO is associated, not in the EU
    ("country=IT", {"Broadband vouchers", "Cloud tender", "Next year's call", "Old web call"}),
    ("country=US", {"Old web call"}),  # only the call without a country rule
])
def test_search_and_filters(client, make_call, query, expected):
    eu_only = {"eligible_countries": "EU_MS", "min_partners": 2, "min_countries": 2}
    make_call(title="Broadband vouchers", ict_categories=["broadband"], rules=eu_only)
    make_call(title="Cloud tender", kind=CallKind.TENDER, ict_categories=["cloud_software"])
    make_call(title="Next year's call", opens_in=timedelta(days=30),
              closes_in=timedelta(days=90), rules=eu_only)
    make_call(title="Old web call", opens_in=timedelta(days=-90), closes_in=timedelta(days=-1),
              rules={"min_partners": 3})
    page = client.get(f"/calls/?{query}").get_data(as_text=True)
    titles = {"Broadband vouchers", "Cloud tender", "Next year's call", "Old web call"}
    shown = {title for title in titles if title.replace("'", "&#39;") in page}
    assert shown == expected


def test_list_keeps_a_constant_query_count(client, make_call, make_funder, count_queries):
    funder = make_funder()
    counts = []
    for extra in (1, 49):
        for _ in range(extra):
            make_call(funder=funder)
        with count_queries() as statements:
            response = client.get("/calls/?phase=open&country=IT")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_list_reads_only_the_columns_it_shows(client, make_call, make_funder, count_queries):
    # Issue 18: a call's rules, criteria and body are JSON and text decoded per row otherwise.
    make_call(funder=make_funder(), rules="horizon_europe")
    with count_queries() as statements:
        response = client.get("/calls/")
    assert response.status_code == 200 and "call-card" in response.get_data(as_text=True)
    listed = [s for s in statements if "FROM calls" in s and "calls.closes_at DESC" in s]
    assert listed, statements
    for column in ("eligibility_rules", "award_criteria", "calls.body", "funding_rates"):
        assert column not in listed[0], column


def test_pagination(client, make_call, make_funder):
    funder = make_funder()
    for n in range(25):
        make_call(funder=funder, title=f"Call number {n:02d}")
    first = client.get("/calls/").get_data(as_text=True)
    second = client.get("/calls/?page=2").get_data(as_text=True)
    assert first.count("call-card") == 20 and second.count("call-card") == 5
    assert "25 calls found" in first


def test_detail_shows_rules_in_plain_language_and_deadline_in_the_call_zone(client, make_call):
    call = make_call(rules="horizon_europe", timezone="Europe/Athens")
    page = client.get(f"/calls/{call.reference}").get_data(as_text=True)
    assert "At least 3 partners from at least 3 different countries" in page
    assert "Europe/Athens" in page
    assert "Each criterion needs at least 3 of 5" in page


def test_call_pdf_holds_reference_and_deadline(client, make_call):
    call = make_call(timezone="Europe/Vienna")
    response = client.get(f"/calls/{call.reference}/call.pdf")
    assert response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert call.reference in text
    assert "Europe/Vienna" in text and str(call.closes_at.astimezone().year) in text


def test_definition_json_round_trips(client, make_call):
    call = make_call()
    definition = client.get(f"/calls/{call.reference}/definition.json").json
    assert definition["reference"] == call.reference
    assert definition["eligibility_rules"] == call.eligibility_rules
    assert definition["budget_amount"] == str(call.budget_amount)


def test_apply_is_offered_to_visitors_and_applicants_never_to_the_funders_staff(
        client, make_call, make_user, sign_in):
    from app.accounts.models import Role
    from app.core.extensions import db

    call = make_call()
    apply = f'href="/applications/new?call={call.reference}"'
    assert apply in client.get(f"/calls/{call.reference}").get_data(as_text=True)
    officer = make_user(Role.programme_officer, funder_id=call.funder_id)
    officer.grant(Role.applicant)  # even one who also holds the applicant role
    db.session.commit()
    sign_in(officer)
    page = client.get(f"/calls/{call.reference}").get_data(as_text=True)
    assert 'id="signed-in-as"' in page and apply not in page
    sign_in(make_user(Role.applicant))
    assert apply in client.get(f"/calls/{call.reference}").get_data(as_text=True)
