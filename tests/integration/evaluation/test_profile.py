"""Experts keep their own profile: fields, keywords, country, organisation, affiliations."""

from sqlalchemy import select

from app.accounts.models import Role
from app.core.extensions import db
from app.evaluation.models import ExpertProfile
from tests.conftest import csrf_token


def test_expert_edits_profile_and_declares_affiliations(client, sign_in, make_user,
                                                         make_organisation):
    university = make_organisation("Università di Esempio", country="IT", org_type="HES")
    employer = make_organisation("Consulting Ltd", country="IE")
    expert = make_user(Role.evaluator)
    sign_in(expert)
    assert client.get("/evaluation/profile").status_code == 200
    response = client.post("/evaluation/profile", data={
        "fields_of_science": ["1.2", "5.2"], "keywords": "broadband, tourism",
        "country": "IE", "organisation_id": str(employer.id),
        "csrf_token": csrf_token(client, "/evaluation/profile")})
    assert response.status_code == 302
    profile = db.session.scalar(select(ExpertProfile))
    assert (profile.fields_of_science, profile.country, profile.organisation_id) == (
        ["1.2", "5.2"], "IE", employer.id)

    response = client.post("/evaluation/profile/affiliations", data={
        "organisation_id": str(university.id), "until": "2024-06-30",
        "csrf_token": csrf_token(client, "/evaluation/profile")})
    assert response.status_code == 302
    page = client.get("/evaluation/profile").get_data(as_text=True)
    assert "Università di Esempio (IT)" in page and "2024-06-30" in page

    duplicate = client.post("/evaluation/profile/affiliations", data={
        "organisation_id": str(university.id), "until": "",
        "csrf_token": csrf_token(client, "/evaluation/profile")})
    assert duplicate.status_code == 400
    assert "already declared" in duplicate.get_data(as_text=True)

    db.session.refresh(profile)
    affiliation = profile.affiliations[0]
    client.post(f"/evaluation/profile/affiliations/{affiliation.id}/remove",
                data={"csrf_token": csrf_token(client, "/evaluation/profile")})
    db.session.refresh(profile)
    assert profile.affiliations == []


def test_profile_refuses_unknown_fields_next_to_the_field(client, sign_in, make_user):
    sign_in(make_user(Role.evaluator))
    response = client.post("/evaluation/profile", data={
        "fields_of_science": ["9.9"], "csrf_token": csrf_token(client, "/evaluation/profile")})
    assert response.status_code == 200
    assert "is not a valid choice" in response.get_data(as_text=True).split(
        'id="fields_of_science-error"')[1]


def test_an_expert_cannot_remove_someone_elses_affiliation(client, sign_in, make_expert,
                                                           make_funder, make_organisation,
                                                           make_user):
    owner = make_expert(make_funder(), affiliations=[(make_organisation(), None)])
    affiliation = db.session.scalar(select(ExpertProfile).where(
        ExpertProfile.user_id == owner.id)).affiliations[0]
    sign_in(make_user(Role.evaluator))
    response = client.post(f"/evaluation/profile/affiliations/{affiliation.id}/remove",
                           data={"csrf_token": csrf_token(client, "/evaluation/profile")})
    assert response.status_code == 404
