"""The application page reads a fixed number of SQL statements, whatever the size of the
consortium, its files and its submissions; it builds and shows only the forms its reader uses."""

import re
from datetime import timedelta

from app.applications.services.attachments import upload_attachment
from app.core.database import utcnow
from app.core.extensions import db
from tests.factories.applications import PDF_BYTES, TECHNICAL_ANNEX, submit_directly

SOLO = (("DE", "PRC", True, ["2.2"]),)
SIX = SOLO + (("IT", "HES", False, ["1.2"]), ("AT", "REC", False, ["5.2"]),
              ("FR", "PRC", True, ["2.1"]), ("ES", "HES", False, ["1.1"]),
              ("PL", "REC", False, ["5.1"]))


def _statements(client, count_queries, application_id: int) -> tuple[int, str]:
    url = f"/applications/{application_id}"
    assert client.get(url).status_code == 200
    with count_queries() as statements:
        page = client.get(url).get_data(as_text=True)
    return len(statements), page


def test_the_application_page_reads_a_constant_number_of_statements(
        client, make_call, make_consortium, sign_in, count_queries):
    call = make_call(required_attachments=TECHNICAL_ANNEX)
    small, large = make_consortium(call=call, members=SOLO), make_consortium(call=call,
                                                                             members=SIX)
    counts = []
    for consortium, submissions in ((small, 1), (large, 3)):
        application = consortium.application
        for name in ("draft.pdf", "annex.pdf"):  # the second replaces the first
            upload_attachment(application.id, by=consortium.coordinator,
                              kind="technical_annex", filename=name, data=PDF_BYTES,
                              expected_version=application.version)
        for number in range(1, submissions + 1):
            submit_directly(application, by=consortium.coordinator, number=number,
                            at=utcnow() - timedelta(minutes=10 - number))
        db.session.commit()
        sign_in(consortium.coordinator)
        statements, page = _statements(client, count_queries, application.id)
        counts.append(statements)
        assert page.count("data-participant=") == len(application.participants)
        assert ">annex.pdf</a>" in page and ">draft.pdf</a>" not in page
        assert page.count("/receipt") == submissions
    assert counts[0] == counts[1]


def test_forms_appear_only_to_whom_they_serve(client, make_call, make_consortium, sign_in):
    open_call = make_call(required_attachments=TECHNICAL_ANNEX)
    closed_call = make_call(required_attachments=TECHNICAL_ANNEX,
                            opens_in=timedelta(days=-60), closes_in=timedelta(days=-1))
    consortium, closed = make_consortium(call=open_call), make_consortium(call=closed_call)
    url = f"/applications/{consortium.application.id}"
    sign_in(consortium.coordinator)
    page = client.get(url).get_data(as_text=True)
    assert 'id="submit-form"' in page and 'id="upload-form"' in page
    sign_in(consortium.partners[0])
    page = client.get(url).get_data(as_text=True)
    assert 'id="submit-form"' not in page and 'id="upload-form"' in page
    assert "Only the coordinator submits." in page
    sign_in(closed.coordinator)
    page = client.get(f"/applications/{closed.application.id}").get_data(as_text=True)
    assert 'id="submit-form"' not in page and 'id="upload-form"' not in page
    assert "nothing can change any more" in page


def test_the_page_from_plain_rows_is_the_page_from_the_orm(monkeypatch, client, make_call,
                                                           make_consortium, sign_in):
    """The GET reads plain rows (services/application_page.py); the POSTs that fail render the
    same template from the ORM application: both must show the same page."""
    from app.applications.models import Participant, ParticipantRole
    from app.applications.services import applications as services
    from app.applications.views import applications as views

    consortium = make_consortium(call=make_call(required_attachments=TECHNICAL_ANNEX),
                                 members=SIX)
    application = consortium.application
    upload_attachment(application.id, by=consortium.coordinator, kind="technical_annex",
                      filename="annex.pdf", data=PDF_BYTES, expected_version=application.version)
    submit_directly(application, by=consortium.coordinator, at=utcnow() - timedelta(minutes=5))
    application.participants.append(Participant(role=ParticipantRole.PARTNER,
                                                invited_email="later@example.org"))
    application.participants[1].budget_lines[0].amount += 1  # changed since the submission
    db.session.commit()
    sign_in(consortium.coordinator)
    url = f"/applications/{application.id}"
    client.get(url)  # shows the welcome message, once

    def shown() -> str:
        page = client.get(url).get_data(as_text=True)
        return re.sub(r'(value|nonce)="[^"]{16,}"', "", page)  # tokens differ on every page

    plain = shown()
    monkeypatch.setattr(views, "application_for_page", services.get_application)
    assert plain == shown()
    assert "later@example.org" in plain and 'id="unsubmitted-changes"' in plain
    assert consortium.coordinator.name in plain and ">annex.pdf</a>" in plain
