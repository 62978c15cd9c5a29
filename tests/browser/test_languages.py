"""Issue 14, done when: a visitor walks registration → application → submission in Italian and
in Slovenian, typing amounts as the language writes them, and gets the e-mails and the receipt
PDF in that language.

Expected texts come from the shipped catalogue (force_locale + gettext), so the test follows
the translator's wording; each is also checked to differ from the English, so an untranslated
page, e-mail or PDF fails. A language whose catalogue is not shipped is absent from the
switcher, and its case fails there (it is not skipped).
"""

import re
import time
from decimal import Decimal
from io import BytesIO

import pytest
from babel import Locale
from flask_babel import force_locale, gettext
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.services.registration import VERIFY_SUBJECT
from app.applications.models import Application, BudgetLineRow, Participant, ParticipantRole
from app.applications.services.checklist import build_checklist
from app.core.database import utcnow
from app.core.extensions import db
from app.core.mail import OutboxMessage
from app.core.money import format_money
from tests.factories.applications import PDF_BYTES, TECHNICAL_ANNEX

pytestmark = pytest.mark.browser

# The budget amount as each language writes it: 12,500.50 in English.
TYPED_AMOUNT = {"it": "12.500,50", "sl": "12500,50"}
AMOUNT = Decimal("12500.50")
EMAIL = "giulia@example.org"
PASSPHRASE = "a long passphrase"


def _translated(code: str, message: str, **values) -> str:
    """The catalogue's translation, which must not be the English: a missing one fails here."""
    with force_locale(code):
        translated = gettext(message, **values)
    assert translated != message % values if values else translated != message, (
        f"{message!r} has no {code} translation")
    return translated


def _last_mail(recipient: str) -> OutboxMessage:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == recipient).order_by(OutboxMessage.id.desc())).first()


def _page_language(page) -> str:
    return page.locator("html").get_attribute("lang")


def _complete_the_consortium(application_id: int, make_user, make_organisation) -> None:
    """Two accepted partners with a budget line each (their own walk is another test's)."""
    application = db.session.get(Application, application_id)
    for country, org_type in (("DE", "HES"), ("AT", "REC")):
        partner = make_user(Role.applicant, organisation=make_organisation(
            country=country, org_type=org_type))
        participant = Participant(
            organisation_id=partner.organisation_id, contact_user_id=partner.id,
            role=ParticipantRole.PARTNER, invited_email=partner.email, accepted_at=utcnow(),
            fields_of_science=["1.2"])
        participant.budget_lines.append(BudgetLineRow(
            category="A", ict_category="broadband", amount=Decimal("10000.00"),
            open_source=False, description="Staff"))
        application.participants.append(participant)
    db.session.flush()
    build_checklist(application, store=True)
    db.session.commit()


@pytest.mark.parametrize("code", ["it", "sl"])
def test_registration_application_and_submission_in_the_visitors_language(
        app, page, code, make_call, make_user, make_organisation, tmp_path):
    call = make_call(required_attachments=TECHNICAL_ANNEX)

    # The visitor picks the language in the header; the browser itself asks for English.
    page.goto("/accounts/register")
    page.locator("#language-choice").select_option(code)
    page.locator("#language-switcher button[type=submit]").click()
    assert _page_language(page) == code

    # Registration: fields found by id, the form is in the chosen language.
    expect(page.locator("label[for=name]")).to_have_text(
        re.compile(re.escape(_translated(code, "Your name"))))
    page.locator("#name").fill("Giulia Novak")
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSPHRASE)
    page.locator("#confirm").fill(PASSPHRASE)
    page.locator("#org_name").fill("Carso Digitale Srl")
    page.locator("#country").select_option("IT")
    page.locator("#org_type").select_option("PRC")
    page.locator("form:has(#confirm) [type=submit]").click()
    expect(page.locator("body")).to_contain_text(_translated(
        code, "We sent an e-mail to %(email)s: open the link in it to confirm your address. "
        "You can sign in meanwhile.", email=EMAIL))

    # The verification e-mail is in that language; its link confirms the address.
    verification = _last_mail(EMAIL)
    assert verification.subject == _translated(code, VERIFY_SUBJECT)
    page.goto(re.search(r"https?://[^/\s]+(/accounts/verify/\S+)", verification.body).group(1))
    assert _page_language(page) == code

    # Signing in keeps the language (the account was registered in it).
    page.goto("/accounts/login")
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSPHRASE)
    page.locator("form:has(#password) [type=submit]").click()
    page.wait_for_selector("#signed-in-as")
    assert _page_language(page) == code
    assert db.session.scalar(select(User.locale).where(User.email == EMAIL)) == code

    # An application on the open call.
    page.goto("/applications/new")
    page.locator("#open-calls a", has_text=call.reference).click()
    page.locator("#acronym").fill("CARSO")
    page.locator("#title").fill("Banda larga per le piccole imprese del Carso")
    page.locator("form:has(#acronym) [type=submit]").click()
    page.wait_for_url(re.compile(r"/applications/\d+$"))
    detail_url = page.url
    application_id = int(detail_url.rsplit("/", 1)[1])

    # A budget line typed as the language writes amounts, shown back in that locale.
    page.locator("#consortium a[href*='/participants/']").first.click()
    line_form = page.locator("form[action$='/lines']")
    line_form.locator("#category").select_option("A")
    line_form.locator("#amount").fill(TYPED_AMOUNT[code])
    line_form.locator("[type=submit]").click()
    expect(page.locator("#budget-lines tbody")).to_contain_text(
        format_money(AMOUNT, call.currency, code))

    _complete_the_consortium(application_id, make_user, make_organisation)

    # The annex, then the submission.
    page.goto(detail_url)
    annex = tmp_path / "annex.pdf"
    annex.write_bytes(PDF_BYTES)
    page.locator("#file").set_input_files(str(annex))
    page.locator("#upload-form [type=submit]").click()
    expect(page.locator("#checklist")).to_contain_text(_translated(code, "Ready to submit."))
    page.locator("#submit-form [type=submit]").click()
    expect(page.locator("#submissions")).to_be_visible()
    digest = page.locator("#submissions code.sha256").first.inner_text().strip()

    # The receipt is written by a job after the submit; the test waits for it.
    receipt_link = page.locator("#submissions a[href*='/receipt']").first
    receipt_url = receipt_link.get_attribute("href")
    deadline = time.monotonic() + 30
    while page.request.get(receipt_url).status == 202:
        assert time.monotonic() < deadline, "the receipt was never prepared"
        page.wait_for_timeout(250)
    with page.expect_download() as download_info:
        receipt_link.click()
    pdf = PdfReader(BytesIO(download_info.value.path().read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert digest in "".join(text.split())
    for heading in ("Submission receipt", "Requested grant", "Integrity"):
        assert _translated(code, heading) in text, heading
    assert _translated(code, "Page %(page)s of %(pages)s", page=1, pages=1) in text  # footer
    assert _translated(code, "Receipt of submission %(number)s: %(acronym)s",
                       number=1, acronym="CARSO") in text
    # Its amounts and country names too (the job renders it outside any request).
    eligible = Decimal("15625.63")  # 12,500.50 + 25 % indirect costs (3,125.13)
    assert " ".join(format_money(eligible, call.currency, code).split()) in text
    assert Locale.parse(code).territories["IT"] in text  # "Italia"

    receipt_mail = _last_mail(EMAIL)
    assert receipt_mail.subject == _translated(
        code, "Receipt: %(acronym)s submitted to %(reference)s",
        acronym="CARSO", reference=call.reference)
