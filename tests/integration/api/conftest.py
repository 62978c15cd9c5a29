"""API fixtures: personal access tokens made through the service, as a user would."""

import pytest

from app.api.models import TokenScope
from app.api.services.tokens import create_token
from app.core.extensions import db


@pytest.fixture
def make_token(app):
    def make(user, scope: str = TokenScope.READ) -> str:
        _, plain = create_token(by=user, name="test", scope=scope, expires_in_days=30)
        db.session.commit()
        return plain

    return make


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
