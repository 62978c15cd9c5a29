"""Organisation profiles: editing one's own, what others see, contact details kept private."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.applications.models import ApplicationStatus
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.directory.models import OrganisationProfile
from tests.conftest import csrf_token

PROFILE_FORM = {
    "looking_for_partners": "y", "offer": "We bring GIS skills; we seek a software SME.",
    "competencies": "Geographic information systems for flood risk",
    "tags": "GIS, hydrology,  gis , remote sensing", "ict_interests": ["broadband", "other"],
    "contact_email": "office@lab.example", "phone": "+43 1 234 5678",
    "is_website_public": "y",
}


def _save(client, organisation_id, **changes):
    url = f"/organisations/{organisation_id}/profile"
    data = {**PROFILE_FORM, **changes, "csrf_token": csrf_token(client, url)}
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(url, data=data)


def test_people_of_an_organisation_edit_its_profile(client, make_organisation, make_user,
                                                   sign_in):
    organisation = make_organisation("Vienna GIS Lab", country="AT", org_type="REC",
                                     website="https://gis.example")
    user = make_user(Role.applicant, organisation=organisation)
    sign_in(user)
    assert client.get(f"/organisations/{organisation.id}/profile").status_code == 200
    response = _save(client, organisation.id, contact_user_id=str(user.id))
    assert response.status_code == 302
    profile = db.session.scalar(select(OrganisationProfile))
    assert profile.looking_for_partners and profile.tags == ["GIS", "hydrology", "remote sensing"]
    assert profile.ict_interests == ["broadband", "other"]
    assert profile.contact_user_id == user.id and not profile.is_email_public
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "directory.profile_updated"))
    found = client.get("/organisations/?q=flood").get_data(as_text=True)
    assert "Vienna GIS Lab" in found and "Looking for partners" in found


def test_others_may_not_edit_a_profile(client, make_organisation, make_user, sign_in):
    organisation = make_organisation()
    sign_in(make_user(Role.applicant, organisation=make_organisation()))
    assert client.get(f"/organisations/{organisation.id}/profile").status_code == 403
    assert _save(client, organisation.id).status_code == 403
    assert client.get("/organisations/999999/profile").status_code == 404
    assert db.session.scalar(select(OrganisationProfile)) is None


@pytest.mark.parametrize("changes, field_error", [
    ({"offer": ""}, "Say in a few words what you bring"),
    ({"contact_email": "", "is_email_public": "y"}, "Enter the address to publish"),
    ({"phone": "call me maybe"}, "Enter a phone number"),
    ({"tags": ",".join(f"tag{n}" for n in range(21))}, "at most 20 tags"),
    ({"offer": "x" * 1001}, "Field cannot be longer than 1000 characters."),
    ({"ict_interests": ["teleportation"]}, "is not a valid choice"),
])
def test_profile_errors_appear_next_to_the_field(client, make_organisation, make_user, sign_in,
                                                 changes, field_error):
    organisation = make_organisation()
    sign_in(make_user(Role.applicant, organisation=organisation))
    response = _save(client, organisation.id, **changes)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_error in page and 'aria-invalid="true"' in page
    assert db.session.scalar(select(OrganisationProfile)) is None


def test_the_contact_person_must_belong_to_the_organisation(client, make_organisation,
                                                           make_user, sign_in):
    organisation = make_organisation()
    sign_in(make_user(Role.applicant, organisation=organisation))
    stranger = make_user(Role.applicant, organisation=make_organisation())
    response = _save(client, organisation.id, contact_user_id=str(stranger.id))
    assert "Not a valid choice" in response.get_data(as_text=True)


SECRETS = ("office@hidden.example", "+43 999 888 777", "contact-person@hidden.example",
           "Hidden Person Name")


@pytest.fixture
def private_organisation(make_listed, make_user):
    listed = make_listed("Discreet Robotics", country="AT", org_type="REC",
                         website="https://discreet.example", fields_of_science=["1.2"],
                         profile={"contact_email": SECRETS[0], "phone": SECRETS[1],
                                  "is_website_public": False,
                                  "competencies": "Robotics for broadband networks"},
                         with_contact=False)
    contact = make_user(Role.applicant, organisation=listed.organisation, email=SECRETS[2],
                        name=SECRETS[3])
    listed.profile.contact_user_id = contact.id
    db.session.commit()
    return listed


def test_private_contact_data_never_reaches_any_page(client, make_user, sign_in, make_call,
                                                     make_consortium, private_organisation):
    consortium = make_consortium(call=make_call(rules="ict_aggregation"),
                                 members=(("DE", "PRC", True, ["2.2"]),),
                                 abstract="Broadband robotics")
    sign_in(consortium.coordinator)
    organisation_id = private_organisation.organisation.id
    pages = [
        client.get("/organisations/").get_data(as_text=True),
        client.get("/organisations/?q=robotics").get_data(as_text=True),
        client.get(f"/organisations/{organisation_id}").get_data(as_text=True),
        client.get(f"/organisations/suggestions/{consortium.application.id}").get_data(
            as_text=True),
        client.get(f"/organisations/suggestions/{consortium.application.id}/ask/"
                   f"{organisation_id}").get_data(as_text=True),
    ]
    assert "Discreet Robotics" in pages[3]  # it is suggested, and can be asked
    assert "Ask Discreet Robotics to join" in pages[3]
    for page in pages:
        for secret in (*SECRETS, "https://discreet.example"):
            assert secret not in page
    assert "publishes no contact details" in pages[2]


def test_public_contact_data_is_shown_when_chosen(client, make_user, sign_in,
                                                  private_organisation):
    profile = private_organisation.profile
    profile.is_email_public = profile.is_phone_public = profile.is_contact_name_public = True
    profile.is_website_public = True
    db.session.commit()
    sign_in(make_user(Role.applicant))
    page = client.get(f"/organisations/{private_organisation.organisation.id}").get_data(
        as_text=True)
    assert all(value in page for value in (SECRETS[0], SECRETS[1], SECRETS[3],
                                            "https://discreet.example"))
    assert SECRETS[2] not in page  # a person's own login address is never published


def test_past_participations_show_submitted_applications_only(
        client, make_user, sign_in, make_consortium):
    submitted = make_consortium(acronym="SUBMITTEDX", status=ApplicationStatus.SUBMITTED,
                                amount=Decimal("123456.00"))
    organisation = submitted.coordinator.organisation
    draft = make_consortium(acronym="DRAFTY")
    draft.participant_of(draft.coordinator).organisation_id = organisation.id
    db.session.commit()
    sign_in(make_user(Role.applicant))
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "SUBMITTEDX" in page and submitted.application.call.reference in page
    assert "DRAFTY" not in page
    assert "123" + "456" not in page.replace(",", "").replace(".", "")
