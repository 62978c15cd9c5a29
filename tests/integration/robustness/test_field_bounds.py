"""The inputs that once gave 500s now get their message next to their field, with what was
typed kept: year-1 dates in the call editor and numbers beyond any column."""

import pytest

from app.accounts.models import Role
from app.calls.rules.lifecycle import CallStatus


@pytest.mark.parametrize("field", ["opens_at", "closes_at"])
def test_a_year_one_date_in_the_call_editor_is_refused_next_to_its_field(
        client, make_call, make_user, sign_in, field):
    call = make_call(status=CallStatus.DRAFT)
    sign_in(make_user(Role.programme_officer, funder=call.funder))
    url = f"/calls/{call.reference}/edit"
    page = client.get(url).get_data(as_text=True)
    import lxml.html

    form = lxml.html.fromstring(page).forms[-1]
    data = {name: value for name, value in form.form_values()}
    data[field] = "0001-01-01T00:00"
    data["title"] = "Kept after the refusal"
    response = client.post(url, data=data)
    text = response.get_data(as_text=True)
    assert response.status_code in (200, 422), response.status_code
    assert "Give a date between 1900 and 2199." in text
    assert 'value="Kept after the refusal"' in text
