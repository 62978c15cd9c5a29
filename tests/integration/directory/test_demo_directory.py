"""The demo directory: real CORDIS organisations with profiles, seeded once, useful at once."""

from sqlalchemy import func, select

from app.accounts.models import Organisation, User
from app.core.extensions import db
from app.demo.cordis import load_organisations
from app.demo.directory import seed_directory
from app.directory.models import OrganisationProfile
from app.directory.services.suggestions import suggestions_for


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_directory_profiles_every_organisation_once(app):
    created = seed_directory(password="a demo password")
    db.session.commit()
    organisations = len(load_organisations())
    assert _count(Organisation) == _count(OrganisationProfile) == organisations
    assert created and all(email.endswith("@demo.opencall.eu") for email in created)
    profile = db.session.scalar(select(OrganisationProfile).where(
        OrganisationProfile.looking_for_partners.is_(True)))
    assert "© European Union" in profile.competencies and profile.offer.startswith("We bring")
    assert seed_directory(password="a demo password") == []  # a second run adds nothing
    db.session.commit()
    assert _count(Organisation) == organisations and _count(User) == len(created)


def test_the_demo_directory_answers_a_lone_firm(app, client, sign_in, make_call,
                                               make_consortium):
    seed_directory(password="a demo password")
    db.session.commit()
    consortium = make_consortium(call=make_call(rules="ict_aggregation"),
                                 members=(("SE", "PRC", True, ["2.2"]),),
                                 abstract="Web shops and booking platforms for small firms.")
    page = suggestions_for(consortium.application.id, by=consortium.coordinator)
    assert page.result.suggestions[0].makes_eligible
    assert {int(s.candidate.key) for s in page.result.suggestions[:5]} <= page.reachable
    sign_in(consortium.coordinator)
    found = client.get("/organisations/?q=university&looking=1").get_data(as_text=True)
    assert "Looking for partners" in found
