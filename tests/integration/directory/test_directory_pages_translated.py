"""Directory pages, forms, messages and e-mails are marked for translation (issue 14): in a
pseudo-language whose every translation is ⟪English⟫, what the directory package writes comes
out translated, and a partner request in the language of the person who receives it."""

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.core.mail import OutboxMessage
from app.directory.services.contact import ask_to_join
from tests.integration.pseudo_language import pseudo, pseudo_german

SOURCES = ("app/directory/**/*.py", "app/calls/labels.py", "app/templates/directory/*.html")
GERMAN = {"Accept-Language": "de"}


@pytest.fixture(autouse=True)
def german(app, monkeypatch, tmp_path_factory):
    pseudo_german(app, monkeypatch, tmp_path_factory, SOURCES)


def test_the_search_a_profile_and_its_form(client, make_listed, sign_in):
    listed = make_listed("Graz Robotics Institute", profile={"ict_interests": ["broadband"]})
    sign_in(listed.contact)
    search = client.get("/organisations/", headers=GERMAN).get_data(as_text=True)
    for text in ("Partner search", "Name, competency, what they offer", "SMEs only",
                 "EU Member States", "1 organisation found.", "Looking for partners"):
        assert pseudo(text) in search, text
    detail = client.get(f"/organisations/{listed.organisation.id}",
                        headers=GERMAN).get_data(as_text=True)
    for text in ("What we bring, what we seek", "Broadband connectivity", "Edit this profile"):
        assert pseudo(text) in detail, text
    form = client.get(f"/organisations/{listed.organisation.id}/profile",
                      headers=GERMAN).get_data(as_text=True)
    for text in ("We are looking for partners", "Contact details", "Save profile",
                 "The first person of our organisation on OpenCall"):
        assert pseudo(text) in form, text
    status = client.get(f"/organisations/{listed.organisation.id}/status",
                        headers=GERMAN).get_data(as_text=True)
    assert pseudo("Independence and SME status") in status
    assert "⟪Control: more than 50 % of the capital or votes" in status


def test_a_partner_request_is_written_in_the_recipients_language(
        make_call, make_consortium, make_listed):
    consortium = make_consortium(call=make_call(rules="ict_aggregation"))
    listed = make_listed("Graz Robotics Institute")
    listed.contact.locale = "de"
    ask_to_join(consortium.application.id, listed.organisation.id, by=consortium.coordinator,
                note="We need your robots.")
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == listed.contact.email)).one()
    assert message.subject.startswith("⟪") and "Graz Robotics Institute" in message.subject
    assert pseudo("Their note:\nWe need your robots.") in message.body


def test_the_partner_suggestions(client, make_call, make_consortium, make_listed, sign_in):
    consortium = make_consortium(call=make_call(rules="ict_aggregation"),
                                 members=(("DE", "PRC", True, ["2.2"]),))
    make_listed("Graz Robotics Institute", fields_of_science=["2.2"])
    sign_in(consortium.coordinator)
    page = client.get(f"/organisations/suggestions/{consortium.application.id}",
                      headers=GERMAN).get_data(as_text=True)
    for text in ("Partners who would make this consortium eligible", "Suggested partners",
                 "Ask to join", "Would fix:", "Research organisations"):
        assert pseudo(text) in page, text
