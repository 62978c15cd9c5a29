"""The sentences of pure rules reach the reader in their language (issue 14): the checklist's
checks, the reasons a submission is refused, and a call's rules and criteria, each template
through the catalogue, its counts, lists, percentages and labels translated too. English
pages keep the rules' English byte for byte."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from babel.lists import format_list
from babel.numbers import format_percent
from flask_babel import refresh
from wtforms.validators import ValidationError

from app.accounts.models import Role
from app.applications.services.attachments import upload_attachment
from app.calls.forms import within_amount_bounds
from app.calls.rules.eligibility_rules import RULE_PRESETS, validate_rules
from app.calls.rules.lifecycle import CallStatus
from app.calls.services.calls import RulesInvalid, set_criteria, set_rules
from app.calls.services.deadlines import refuse_unfair_dates
from app.core.database import utcnow
from app.core.errors import DomainError
from tests.factories.applications import form_of
from tests.integration.pseudo_language import pseudo, pseudo_german

SOURCES = ("app/applications/**/*.py", "app/calls/**/*.py", "app/templates/applications/*.html",
           "app/templates/calls/*.html")
GERMAN = {"Accept-Language": "de"}


@pytest.fixture(autouse=True)
def german(app, monkeypatch, tmp_path_factory):
    pseudo_german(app, monkeypatch, tmp_path_factory, SOURCES)


@pytest.fixture
def strict_call(make_call):
    """Five independent partners and at most 30 % each: three equal members meet neither."""
    rules = {**validate_rules(RULE_PRESETS["horizon_europe"].document), "min_partners": 5,
             "max_partner_share": "0.3"}
    return make_call(rules=rules)


def test_the_checklist_speaks_the_readers_language(client, make_consortium, sign_in,
                                                   strict_call):
    consortium = make_consortium(call=strict_call)
    sign_in(consortium.coordinator)
    url = f"/applications/{consortium.application.id}"
    page = client.get(url, headers=GERMAN).get_data(as_text=True)
    # The template, and the count inside it, each through the catalogue.
    assert pseudo(f"Add {pseudo('2 independent partners')} (5 required, 3 found).") in page
    assert "⟪⟪Countries⟫: 3 found: " in page
    # Percentages are written as German writes them; no English figure is left.
    assert format_percent(Decimal("0.3333"), locale="de") in page
    assert format_percent(Decimal("0.3"), locale="de") in page
    assert "33.33%" not in page and "30.00%" not in page
    assert pseudo("Enter the bid price of the tender.") not in page  # a grant call: none asked

    english = client.get(url).get_data(as_text=True)
    assert "Add 2 independent partners (5 required, 3 found)." in english
    assert "(now 33.33% of the total, at most 30.00% allowed)" in english
    assert "⟪" not in english


def test_a_refused_submission_names_its_reasons_in_german(client, make_consortium, sign_in,
                                                          strict_call):
    consortium = make_consortium(call=strict_call)
    sign_in(consortium.coordinator)
    url = f"/applications/{consortium.application.id}"
    answer = client.post(f"{url}/submit", data=form_of(client, url, "submit-form"),
                         headers=GERMAN)
    assert answer.status_code == 422
    problems = answer.get_data(as_text=True)
    assert pseudo(f"Add {pseudo('2 independent partners')} (5 required, 3 found).") in problems


def test_a_calls_rules_and_criteria_in_german(client, make_call):
    call = make_call()
    page = client.get(f"/calls/{call.reference}", headers=GERMAN).get_data(as_text=True)
    # Rules: a plural count inside a sentence, and places joined with German's "or".
    assert pseudo(f"{pseudo('At least 3 partners from at least 3 different countries')}, "
                  "at least one of them in an EU Member State") in page
    places = format_list([pseudo("an EU Member State"),
                          pseudo("a Horizon Europe Associated Country")], style="or",
                         locale="de")
    assert pseudo(f"Partners count toward the minimums when established in {places} on the "
                  "deadline") in page
    # Criteria: each sentence, its scale step and the tie-break's label.
    assert pseudo(f"Each criterion is scored from 0 to 5 {pseudo('in half points')}") in page
    assert "⟪Scored on 3 criteria: " in page
    assert ("⟪Ties are broken in this order: "
            + pseudo(f"(1) {pseudo('Part of the call not yet covered')}") + "; "
            + pseudo(f"(2) {pseudo('Excellence, then Impact')}")) in page

    # The key facts' percentages (indirect costs: 25 %) as German writes them.
    assert pseudo("%(rate)s of direct costs other than subcontracting, added to the eligible "
                  "costs").replace("%(rate)s", format_percent(Decimal("0.25"), locale="de")) \
        in page

    english = client.get(f"/calls/{call.reference}").get_data(as_text=True)
    assert "Each criterion is scored from 0 to 5 in half points" in english
    assert "25 % of direct costs other than subcontracting" in english
    assert ("Partners count toward the minimums when established in an EU Member State or a "
            "Horizon Europe Associated Country on the deadline") in english


def test_a_refused_deadline_move_is_explained_in_german(app, make_call):
    call = make_call()  # open: opened yesterday, closes in 30 days
    earlier = call.closes_at - timedelta(days=25)
    with app.test_request_context(headers=GERMAN):
        with pytest.raises(DomainError, match="notice") as refused:
            refuse_unfair_dates(call, {"closes_at": earlier}, reason="The budget year ends.",
                                now=utcnow())
        assert refused.value.message == pseudo(
            "The call is open: an earlier deadline must leave applicants at least 14 days of "
            "notice from now.")
        assert refused.value.field == "closes_at"
        with pytest.raises(DomainError, match="opening") as refused:
            refuse_unfair_dates(call, {"opens_at": call.opens_at - timedelta(days=1)},
                                reason="", now=utcnow())
        assert refused.value.message == pseudo(
            "The call has opened: its opening date can no longer change.")


def test_a_refused_rules_or_criteria_document_is_explained_in_german(app, make_call,
                                                                    make_user):
    call = make_call(status=CallStatus.DRAFT)
    officer = make_user(Role.programme_officer, funder_id=call.funder_id)
    with app.test_request_context(headers=GERMAN):
        with pytest.raises(RulesInvalid, match="correct the fields") as refused:
            set_rules(call, {"min_partners": 2, "min_countries": 3, "max_partner_share": "2"},
                      by=officer, version=None)
        assert refused.value.errors == {
            "min_countries": pseudo("Cannot ask for more countries than partners (2)."),
            "max_partner_share": pseudo(
                "Enter a share above 0 and at most 1 (e.g. 0.60 for 60 %).")}
        with pytest.raises(RulesInvalid, match="correct the fields") as refused:
            set_criteria(call, {"criteria": [], "experts_per_proposal": 11}, by=officer,
                         version=None)
        assert refused.value.errors == {
            "criteria": pseudo("Add at least one criterion."),
            "experts_per_proposal": pseudo("Enter a whole number from 1 to 10.")}
    with app.test_request_context():  # English: the rule's own words
        refresh()  # the locale chosen above is kept on the shared app context
        with pytest.raises(RulesInvalid, match="correct the fields") as refused:
            set_rules(call, {"min_partners": 2, "min_countries": 3}, by=officer, version=None)
        assert refused.value.errors == {
            "min_countries": "Cannot ask for more countries than partners (2)."}


def test_a_refused_upload_is_explained_in_german(app, make_call, make_consortium):
    call = make_call(required_attachments=[
        {"code": "technical_annex", "name": "Technical annex", "mandatory": True}])
    consortium = make_consortium(call=call)
    with app.test_request_context(headers=GERMAN):
        with pytest.raises(DomainError, match="PDF") as refused:
            upload_attachment(consortium.application.id, by=consortium.coordinator,
                              kind="technical_annex", filename="annex.pdf", data=b"not a pdf",
                              expected_version=consortium.application.version)
        assert refused.value.message == pseudo(
            "Upload a PDF file: this file is not a PDF, whatever its name says.")
        assert refused.value.field == "file"


def test_an_amount_out_of_bounds_is_explained_in_german(app):
    field = SimpleNamespace(data=Decimal("12.345"))
    with app.test_request_context(headers=GERMAN):
        with pytest.raises(ValidationError, match="cents") as refused:
            within_amount_bounds(None, field)
        assert str(refused.value) == pseudo("Use at most 2 decimals (cents).")
