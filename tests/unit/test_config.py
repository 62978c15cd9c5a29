"""Start-up configuration: production refuses to start without its secrets."""

import pytest

from config.settings import ConfigurationError, Production, get_config

LONG_KEY = "k" * 32
BASE_URL = "https://grants.example.eu"


@pytest.mark.parametrize("present, missing", [
    ({}, "SECRET_KEY and DATABASE_URL and PUBLIC_BASE_URL"),
    ({"DATABASE_URL": "postgresql://db/x", "PUBLIC_BASE_URL": BASE_URL}, "SECRET_KEY"),
    ({"SECRET_KEY": LONG_KEY, "PUBLIC_BASE_URL": BASE_URL}, "DATABASE_URL"),
    ({"SECRET_KEY": LONG_KEY, "DATABASE_URL": "postgresql://db/x"}, "PUBLIC_BASE_URL"),
])
def test_production_without_secrets_fails_to_start(monkeypatch, present, missing):
    for name in ("SECRET_KEY", "DATABASE_URL", "PUBLIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in present.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=f"needs {missing} set"):
        get_config("production")


def test_production_refuses_a_short_secret_key(monkeypatch):
    """ASVS 11.x / 13.x: a 1-character SECRET_KEY was accepted; 32 bytes are now required."""
    monkeypatch.setenv("SECRET_KEY", "k" * 31)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/x")
    monkeypatch.setenv("PUBLIC_BASE_URL", BASE_URL)
    with pytest.raises(ConfigurationError, match="at least 32 bytes"):
        get_config("production")


def test_production_refuses_a_plain_http_base_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", LONG_KEY)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/x")
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://grants.example.eu")
    with pytest.raises(ConfigurationError, match="https:// address"):
        get_config("production")


def test_production_starts_with_secrets(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", LONG_KEY)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/x")
    monkeypatch.setenv("PUBLIC_BASE_URL", BASE_URL + "/")
    monkeypatch.setenv("TRUSTED_HOSTS", "www.grants.example.eu")
    assert get_config("production") is Production
    assert Production.SECRET_KEY == LONG_KEY and Production.PUBLIC_BASE_URL == BASE_URL
    assert Production.TRUSTED_HOSTS == ["grants.example.eu", "www.grants.example.eu"]
    assert Production.SESSION_COOKIE_SECURE and Production.SESSION_COOKIE_HTTPONLY
    assert Production.SESSION_COOKIE_SAMESITE == "Lax"


def test_create_app_in_production_without_secret_key_fails(monkeypatch):
    from app.factory import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/x")
    monkeypatch.setenv("PUBLIC_BASE_URL", BASE_URL)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app("production")


def test_what_gunicorn_loads_runs_production_unless_told_otherwise(monkeypatch):
    """The observed defect: without OPENCALL_CONFIG, wsgi.py ran the development settings
    with the public development key. Now it fails closed."""
    import importlib
    import sys

    for name in ("OPENCALL_CONFIG", "SECRET_KEY", "FLASK_RUN_FROM_CLI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/x")
    monkeypatch.setenv("PUBLIC_BASE_URL", BASE_URL)
    monkeypatch.delitem(sys.modules, "wsgi", raising=False)
    with pytest.raises(ConfigurationError, match="needs SECRET_KEY set"):
        importlib.import_module("wsgi")


def test_unknown_configuration_is_named():
    with pytest.raises(ConfigurationError, match="staging"):
        get_config("staging")
