"""Grant pages, messages, e-mails and PDFs are marked for translation (issue 14): in a
pseudo-language whose every translation is ⟪English⟫, what the grants package writes comes
out translated, e-mails follow their recipient's language and the agreement PDF stays in the
deployment's language."""

import io
from datetime import date

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import Role
from app.core.errors import Conflict, DomainError
from app.core.extensions import db
from app.core.mail import OutboxMessage
from app.grants.rules.agreement import period_not_started
from app.grants.services import claims, disbursements
from tests.conftest import csrf_token
from tests.integration.pseudo_language import pseudo, pseudo_german

SOURCES = ("app/grants/**/*.py", "app/templates/grants/*.html", "app/templates/pdf/*.html",
           "app/calls/labels.py")
GERMAN = {"Accept-Language": "de"}


@pytest.fixture(autouse=True)
def german(app, monkeypatch, tmp_path_factory):
    pseudo_german(app, monkeypatch, tmp_path_factory, SOURCES)


def _mail_to(user, subject_start):
    return db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == user.email,
        OutboxMessage.subject.like(f"{subject_start}%")))


def test_the_coordinators_claim_pages_and_e_mails(client, sign_in, make_grant, make_claim):
    case = make_grant()
    case.coordinator.locale = "de"
    db.session.commit()
    claim = make_claim(case)  # submitted: the finance officer is told in English
    assert _mail_to(case.finance, "Claim for grant") is not None
    sign_in(case.coordinator)
    page = client.get(f"/grants/{case.grant.id}").get_data(as_text=True)
    for text in ("Beneficiaries", "Payment schedule", "Claims", "submitted", "Timeline",
                 "Grant agreement prepared", "Pre-financing", "Broadband connectivity",
                 "Payment statement (PDF)", "New claim", "Funding rate"):
        assert pseudo(text) in page, text
    page = client.get(f"/grants/claims/{claim.id}").get_data(as_text=True)
    for text in ("Costs claimed", "Supporting documents", "A. Personnel costs"):
        assert pseudo(text) in page, text
    page = client.get(f"/grants/{case.grant.id}/claims/new").get_data(as_text=True)
    for text in ("Period 2: 2027-01-01 to 2027-12-31 (final)", "Reporting period",
                 "Start the claim"):
        assert pseudo(text) in page, text
    sign_in(case.finance)  # the finance officer rejects in English ...
    url = f"/grants/claims/{claim.id}"
    client.post(f"{url}/decision", data={"decision": "reject", "reason": "No invoices.",
                                         "csrf_token": csrf_token(client, url)})
    # ... and the coordinator, who chose German, reads it in German.
    mail = _mail_to(case.coordinator, "⟪Your claim for grant")
    assert mail is not None and pseudo(
        f"Your claim for period 1 of grant {case.grant.agreement_number} was rejected: "
        "No invoices.") in mail.body


def test_finance_pages_and_the_payment_statement(client, sign_in, make_grant):
    case = make_grant()
    sign_in(case.finance)
    page = client.get("/grants/", headers=GERMAN).get_data(as_text=True)
    for text in ("Grants", "Committed and disbursed", "Any status", "signed", "Awarded"):
        assert pseudo(text) in page, text
    page = client.get("/grants/overview", headers=GERMAN).get_data(as_text=True)
    assert pseudo("Payments due in the next 90 days") in page
    pdf = client.get(f"/grants/{case.grant.id}/statement.pdf", headers=GERMAN).data
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert pseudo("Payments made") in text


def test_the_agreement_pdf_is_in_the_deployments_language(client, sign_in, make_grant):
    case = make_grant()
    sign_in(case.coordinator)
    pdf = client.get(f"/grants/{case.grant.id}/agreement.pdf", headers=GERMAN).data
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Payment schedule" in text and "⟪" not in text


def test_a_refusal_names_the_installments_status_in_the_language(make_grant, pay_installment):
    case = make_grant()
    pay_installment(case, 1)
    with force_locale("de"), pytest.raises(Conflict, match="^⟪This installment") as refusal:
        disbursements.execute_installment(
            case.installment(1).id, by=case.finance, value_date=date(2026, 2, 2),
            bank_reference="AGAIN", idempotency_key=disbursements.new_idempotency_key())
    assert refusal.value.message == pseudo(
        f"This installment is not payable: it is {pseudo('paid')}.")


def test_a_claim_submitted_too_early_is_refused_in_the_language(make_grant, make_claim):
    case = make_grant(start=date.today().replace(day=1))  # period 2 starts in a year
    make_claim(case, approve=True)
    draft = make_claim(case, period=2, submit=False)
    period = claims.periods_of(case.grant)[1]
    messages = {}
    for language in ("en", "de"):
        with force_locale(language), pytest.raises(DomainError, match="claim") as refusal:
            claims.submit_claim(draft.id, by=case.coordinator)
        messages[language] = refusal.value.message
    # In English, word for word the pure rule's sentence; in German, translated, its date too.
    assert messages["en"] == period_not_started(period, date.today())
    assert messages["de"].startswith("⟪Reporting period 2 starts on ")
    assert messages["de"].endswith(": its claim can be submitted from that day.⟫")


@pytest.mark.parametrize(("changes", "message"), [
    ({"awarded_amount": "125001"}, "The awarded amount cannot exceed the requested "
                                   "125,000.00."),
    ({"end_date": "2026-01-15"}, "A grant lasts at least one month."),
])
def test_a_preparation_refused_by_the_rules_says_why_in_the_language(
        client, sign_in, make_user, make_funded_application, changes, message):
    application = make_funded_application()
    sign_in(make_user(Role.programme_officer, funder=application.call.funder))
    url = f"/grants/prepare/{application.id}"
    page = client.post(url, headers=GERMAN, data={
        "agreement_number": "AGR-1", "awarded_amount": "100000", "start_date": "2026-01-01",
        "end_date": "", "csrf_token": csrf_token(client, url), **changes}).get_data(as_text=True)
    assert pseudo(message) in page
