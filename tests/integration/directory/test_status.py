"""Independence and SME status on the directory profile; registration from every country."""

import pytest
from sqlalchemy import select

from app.accounts.models import ControlStatus, Organisation, Role, User
from app.core.extensions import db
from tests.conftest import csrf_token

FIGURES = {"staff_headcount": "40", "annual_turnover_amount": "9,500,000",
           "balance_sheet_amount": "", "sme_figures_year": "2024",
           "sme_figures_note": "Includes 30 % of our partner enterprise Nordlys AS."}


def _post(client, organisation, **data):
    url = f"/organisations/{organisation.id}/status"
    return client.post(url, data={"csrf_token": csrf_token(client, url), **data})


@pytest.fixture
def member(make_user, make_organisation):
    organisation = make_organisation(country="SI", identifier="SI12345678")
    return make_user(Role.applicant, organisation=organisation)


def test_sme_status_follows_the_figures_and_shows_why(client, sign_in, member):
    sign_in(member)
    response = _post(client, member.organisation, control_status="none", **FIGURES)
    assert response.status_code == 302
    organisation = db.session.get(Organisation, member.organisation_id)
    assert (organisation.is_sme, organisation.sme_size) == (True, "small")
    assert organisation.staff_headcount == 40 and organisation.sme_figures_year == 2024
    assert str(organisation.annual_turnover_amount) == "9500000.00"
    assert organisation.control_status == ControlStatus.NONE
    page = client.get(response.location).get_data(as_text=True)
    assert "Small enterprise" in page and "40 staff &lt; 50" in page
    assert "Includes 30 % of our partner enterprise Nordlys AS." in page


def test_a_controlling_organisation_is_named_by_its_identifier(client, sign_in, member,
                                                               make_organisation):
    parent = make_organisation("Parent Holding GmbH", identifier="DE 811 111 111")
    sign_in(member)
    response = _post(client, member.organisation, control_status="controlled",
                     controller_identifier="de811111111")
    assert response.status_code == 302
    organisation = db.session.get(Organisation, member.organisation_id)
    assert organisation.controller_id == parent.id
    assert organisation.control_status == ControlStatus.CONTROLLED
    assert "Parent Holding GmbH" in client.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize(("data", "message"), [
    ({"control_status": "controlled"}, "Choose the controlling organisation."),
    ({"control_status": "controlled", "controller_identifier": "XX000"},
     "No organisation on OpenCall has this VAT number or PIC"),
    ({"control_status": "controlled", "controller_identifier": "SI12345678"},
     "not your own"),
    ({"control_status": "none", "staff_headcount": "12"},
     "Enter the turnover, the balance-sheet total or both."),
    ({"control_status": "none", "staff_headcount": "12", "balance_sheet_amount": "100",
      "sme_figures_year": "1890"}, "Enter a year from 1990"),
])
def test_bad_declarations_are_refused_next_to_their_field(client, sign_in, member, data,
                                                          message):
    sign_in(member)
    response = _post(client, member.organisation, **data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    assert db.session.get(Organisation, member.organisation_id).control_status == \
        ControlStatus.UNDECLARED


def test_control_cannot_go_round_in_a_circle(client, sign_in, member, make_organisation):
    child = make_organisation("Child Srl", identifier="IT000111", controller_id=None)
    child.control_status, child.controller_id = ControlStatus.CONTROLLED, member.organisation_id
    db.session.commit()
    sign_in(member)
    page = _post(client, member.organisation, control_status="controlled",
                 controller_identifier="IT000111").get_data(as_text=True)
    assert "control cannot go both ways" in page


def test_only_the_organisations_people_edit_its_status(client, sign_in, member, make_user,
                                                       make_organisation):
    sign_in(make_user(Role.applicant, organisation=make_organisation()))
    assert client.get(f"/organisations/{member.organisation_id}/status").status_code == 403


@pytest.mark.parametrize(("country", "accepted"), [("XK", True), ("TL", True), ("ZZ", False)])
def test_kosovo_and_every_iso_country_can_register(client, country, accepted):
    url = "/accounts/register"
    data = {"csrf_token": csrf_token(client, url), "name": "Drita Krasniqi",
            "email": f"drita-{country.lower()}@example.org", "password": "a long passphrase",
            "confirm": "a long passphrase", "org_name": f"Prishtina Labs {country}",
            "country": country, "org_type": "PRC"}
    response = client.post(url, data=data)
    user = db.session.scalar(select(User).where(User.email == data["email"]))
    if accepted:
        assert response.status_code == 302 and user.organisation.country == country
        assert user.organisation.is_sme is False  # no figures: not assessed, not an SME
    else:
        assert response.status_code == 200 and user is None
        assert "Not a valid choice" in response.get_data(as_text=True)


def test_kosovo_is_named_on_pages(client, sign_in, make_user, make_organisation):
    user = make_user(Role.applicant, organisation=make_organisation(country="XK"))
    sign_in(user)
    page = client.get(f"/organisations/{user.organisation_id}").get_data(as_text=True)
    assert "Kosovo" in page
