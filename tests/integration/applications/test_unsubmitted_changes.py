"""An application changed after its submission says so beside "Submitted" until resubmitted."""

import pytest

from app.applications.services.attachments import upload_attachment
from app.core.extensions import db
from tests.factories.applications import PDF_BYTES, TECHNICAL_ANNEX, form_of

NOTICE = 'id="unsubmitted-changes"'


@pytest.fixture
def ready(make_call, make_consortium):
    consortium = make_consortium(call=make_call(required_attachments=TECHNICAL_ANNEX))
    upload_attachment(consortium.application.id, by=consortium.coordinator,
                      kind="technical_annex", filename="annex.pdf", data=PDF_BYTES,
                      expected_version=consortium.application.version)
    db.session.commit()
    return consortium


def _submit(client, application_id: int):
    url = f"/applications/{application_id}"
    return client.post(f"{url}/submit", data=form_of(client, url, "submit-form"))


def _page(client, application_id: int) -> str:
    return client.get(f"/applications/{application_id}").get_data(as_text=True)


def test_changes_after_submission_are_flagged_until_submitted_again(client, ready, sign_in):
    application = ready.application
    sign_in(ready.coordinator)
    assert NOTICE not in _page(client, application.id)  # a draft has nothing submitted
    assert _submit(client, application.id).status_code == 302
    page = _page(client, application.id)
    assert "Submitted" in page and NOTICE not in page

    application.abstract = "A sharper abstract written after submitting."
    db.session.commit()
    page = _page(client, application.id)
    assert NOTICE in page and "Changes not submitted yet" in page
    assert "The funder sees only what was submitted" in page

    assert _submit(client, application.id).status_code == 302
    assert NOTICE not in _page(client, application.id)


def test_a_budget_change_after_submission_is_flagged(client, ready, sign_in):
    application = ready.application
    sign_in(ready.coordinator)
    assert _submit(client, application.id).status_code == 302
    line = application.participants[1].budget_lines[0]
    line.amount = line.amount + 1000
    db.session.commit()
    assert NOTICE in _page(client, application.id)
