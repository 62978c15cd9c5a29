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


def _medical_or_agricultural(candidate) -> bool:
    fields = candidate.fields_of_science
    return bool(fields) and all(code.split(".")[0] in {"3", "4"} for code in fields)


def _ict(candidate) -> bool:
    return bool({"1.2", "2.2"} & set(candidate.fields_of_science)) or \
        "web_content_management" in getattr(candidate, "ict_interests", ())


def test_a_web_project_meets_ict_organisations_before_medical_or_agricultural_ones(
        app, client, sign_in, make_call, make_consortium):
    """Real CORDIS organisations: a Swedish web firm alone on the ICT aggregation call is
    offered organisations in computer and information engineering, or interested in web
    content management, before hospitals and farm laboratories that fix as many checks."""
    seed_directory(password="a demo password")
    db.session.commit()
    consortium = make_consortium(
        call=make_call(rules="ict_aggregation"), members=(("SE", "PRC", True, ["2.2"]),),
        title="Web content management for SMEs",
        abstract="An open-source web content management system and shop templates, so that "
                 "small firms in rural regions update their own websites.",
        ict_categories=["web_content_management"])
    suggestions = suggestions_for(consortium.application.id,
                                  by=consortium.coordinator).result.suggestions
    ict = [n for n, s in enumerate(suggestions) if _ict(s.candidate)]
    off_topic = [n for n, s in enumerate(suggestions) if _medical_or_agricultural(s.candidate)]
    assert ict and off_topic  # the directory has both kinds, and both could help
    assert max(ict) < min(off_topic)
    assert _ict(suggestions[0].candidate) and suggestions[0].makes_eligible
    assert all(s.related for s in suggestions[:len(ict)])
    assert not any(suggestions[n].related for n in off_topic)

    sign_in(consortium.coordinator)
    page = client.get(f"/organisations/suggestions/{consortium.application.id}").get_data(
        as_text=True)
    assert "Interested in your ICT categories: Web content management" in page
    assert "Shares with your application: " in page
    assert "Works outside your consortium's fields of science" in page.replace("&#39;", "'")
