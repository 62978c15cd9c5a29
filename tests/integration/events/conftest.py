"""Helpers for event tests: a signed-in client per user, form posts with their CSRF token."""

import pytest

from tests.conftest import csrf_token
from tests.factories.accounts import PASSWORD


@pytest.fixture
def client_for(app):
    """A separate signed-in browser session per user (several people act in one test)."""

    def make(user):
        client = app.test_client()
        response = client.post("/accounts/login", data={
            "email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
        assert response.status_code == 302, "sign-in failed"
        return client

    return make


def post_form(client, url: str, data: dict, *, token_from: str | None = None):
    """POST `data` with the CSRF token of the page at `token_from` (default: `url`)."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, token_from or url)})
