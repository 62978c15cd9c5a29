"""Start-up configuration: production refuses to start without its secrets."""

import pytest

from config.settings import ConfigurationError, Production, get_config


@pytest.mark.parametrize("present, missing", [
    ({}, "SECRET_KEY and DATABASE_URL"),
    ({"DATABASE_URL": "postgresql://db/x"}, "SECRET_KEY"),
    ({"SECRET_KEY": "s3cret"}, "DATABASE_URL"),
])
def test_production_without_secrets_fails_to_start(monkeypatch, present, missing):
    for name in ("SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in present.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=missing):
        get_config("production")


def test_production_starts_with_secrets(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/x")
    assert get_config("production") is Production
    assert Production.SESSION_COOKIE_SECURE and Production.SESSION_COOKIE_HTTPONLY
    assert Production.SESSION_COOKIE_SAMESITE == "Lax"


def test_create_app_in_production_without_secret_key_fails(monkeypatch):
    from app.factory import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/x")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app("production")


def test_unknown_configuration_is_named():
    with pytest.raises(ConfigurationError, match="staging"):
        get_config("staging")
