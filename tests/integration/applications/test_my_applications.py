"""The applicant's "My applications": each consortium they joined with their role in it, in
pages of a fixed number of SQL statements."""

import re

from app.applications.models import Participant, ParticipantRole
from app.applications.services import applications
from app.core.database import utcnow
from app.core.extensions import db
from app.core.formatting import local_datetime


def _join(application, user, role: str, *, accepted: bool = True) -> None:
    db.session.add(Participant(application=application, organisation_id=None,
                               contact_user_id=user.id, role=role, invited_email=user.email,
                               accepted_at=utcnow() if accepted else None))
    db.session.commit()


def _row(page: str, application_id: int) -> str:
    start = page.index(f'href="/applications/{application_id}"')
    return page[start:page.index("</tr>", start)]


def test_each_row_shows_the_users_role_the_call_and_its_deadline(app, client, make_consortium,
                                                                 sign_in):
    own = make_consortium(acronym="OWNED")
    user = own.coordinator
    joined = make_consortium(acronym="JOINED")
    _join(joined.application, user, ParticipantRole.PARTNER)
    invited = make_consortium(acronym="INVITED")
    _join(invited.application, user, ParticipantRole.PARTNER, accepted=False)
    sign_in(user)
    page = client.get("/applications/").get_data(as_text=True)
    assert ">INVITED<" not in page  # not accepted yet
    owned, partner = _row(page, own.application.id), _row(page, joined.application.id)
    assert ">OWNED</a>" in owned and "Coordinator" in owned and "Draft" in owned
    assert ">JOINED</a>" in partner and "<td>Partner</td>" in partner
    call = joined.application.call
    assert f"<td>{call.reference}</td>" in partner
    with app.test_request_context():
        assert local_datetime(call.closes_at, call.timezone) in partner


def test_the_list_comes_in_pages_of_a_constant_query_count(monkeypatch, client, make_consortium,
                                                           sign_in, count_queries):
    monkeypatch.setattr(applications, "MY_APPLICATIONS_PER_PAGE", 5)
    user = make_consortium().coordinator
    sign_in(user)
    counts = []
    for size in (3, 12):
        while len(db.session.scalars(db.select(Participant).where(
                Participant.contact_user_id == user.id)).all()) < size:
            _join(make_consortium().application, user, ParticipantRole.PARTNER)
        client.get("/applications/")
        with count_queries() as statements:
            page = client.get("/applications/").get_data(as_text=True)
        counts.append(len(statements))
        assert len(re.findall(r'href="/applications/\d+"', page)) == min(size, 5)
    assert counts[0] == counts[1]
    last = client.get("/applications/?page=3").get_data(as_text=True)
    assert len(re.findall(r'href="/applications/\d+"', last)) == 2 and "12 in all" in last
