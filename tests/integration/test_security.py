"""Security as an attacker tries it (OWASP ASVS 5.0 level 2, see docs/security.md): links
from configuration, trusted hosts and proxies, security headers, session lifetimes."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from werkzeug.middleware.proxy_fix import ProxyFix

from app.accounts.models import LoginFailure, Role, UserSession
from app.core.extensions import db
from app.core.mail import OutboxMessage
from tests.conftest import csrf_token


def _last_mail(recipient: str) -> OutboxMessage:
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == recipient).order_by(OutboxMessage.id.desc())).first()


# --- ASVS 3.2 / 5.x: links from configuration, trusted hosts --------------------------------


def test_forged_host_does_not_reach_the_reset_link(app, client, make_user, monkeypatch):
    """The observed attack: a reset asked with `Host: attacker.example` mailed the admin a
    link to the attacker's site. The link now comes from PUBLIC_BASE_URL."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://grants.example.eu")
    # The attacker's own browser holds a CSRF token for the host it forges; the test client's
    # cookie jar would not send one there, so CSRF is off for this one request.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    admin = make_user(Role.admin)
    response = client.post("/accounts/reset", data={"email": admin.email},
                           headers={"Host": "attacker.example"})
    assert response.status_code == 302
    body = _last_mail(admin.email).body
    assert "https://grants.example.eu/accounts/reset/" in body
    assert "attacker.example" not in body


def test_request_for_an_untrusted_host_is_refused(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["localhost"])
    assert client.get("/accounts/login").status_code == 200
    refused = client.get("/accounts/login", headers={"Host": "attacker.example"})
    assert refused.status_code == 400


def test_trusted_proxies_decide_which_address_is_throttled(database_urls, files_dir, backend):
    """Behind one proxy the client's address is the one the proxy appended, so one
    attacker's failures do not count against every user behind the load balancer."""
    from app.factory import create_app

    proxied = create_app("testing", SQLALCHEMY_DATABASE_URI=database_urls[backend],
                         FILES_DIR=files_dir, TRUSTED_PROXIES=1)
    assert isinstance(proxied.wsgi_app, ProxyFix) and proxied.wsgi_app.x_for == 1
    plain = create_app("testing", SQLALCHEMY_DATABASE_URI=database_urls[backend],
                       FILES_DIR=files_dir)
    assert not isinstance(plain.wsgi_app, ProxyFix)
    with proxied.app_context():
        db.session.execute(LoginFailure.__table__.delete())
        db.session.commit()
        client = proxied.test_client()
        client.post("/accounts/login", data={
            "email": "nobody@example.org", "password": "wrong password wrong",
            "csrf_token": csrf_token(client)},
            headers={"X-Forwarded-For": "198.51.100.7"}, environ_base={"REMOTE_ADDR": "10.0.0.2"})
        addresses = db.session.scalars(select(LoginFailure.ip)).all()
        db.session.execute(LoginFailure.__table__.delete())
        db.session.commit()
        db.session.remove()
        db.engine.dispose()  # this app's own pool: no connection left for the collector
    assert addresses == ["198.51.100.7"]


# --- ASVS 3.4: security headers -------------------------------------------------------------


def test_login_page_cannot_be_framed_and_runs_no_inline_script(client):
    response = client.get("/accounts/login")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split(
        "script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "<script>" not in response.get_data(as_text=True)
    assert "Strict-Transport-Security" not in response.headers  # not over plain development


def test_signed_in_pages_are_not_stored(client, make_user, sign_in):
    assert "no-store" not in client.get("/accounts/login").headers.get("Cache-Control", "")
    sign_in(make_user(Role.applicant))
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_production_sends_hsts(monkeypatch, database_urls, files_dir):
    from app.factory import create_app

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", database_urls["sqlite"])
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://grants.example.eu")
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    production = create_app("production", FILES_DIR=files_dir)
    assert production.config["TRUSTED_HOSTS"] == ["grants.example.eu"]
    response = production.test_client().get("/accounts/login", base_url="https://grants.example.eu")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    forged = production.test_client().get("/accounts/login", base_url="https://attacker.example")
    assert forged.status_code == 400
    with production.app_context():
        db.engine.dispose()


# --- ASVS 7.3: session lifetimes ------------------------------------------------------------


def test_a_session_ends_after_its_absolute_lifetime(app, client, make_user, sign_in):
    """The observed defect: a 400-day-old session still worked."""
    sign_in(make_user(Role.applicant))
    assert client.get("/").status_code == 200 and "signed-in-as" in client.get("/").get_data(
        as_text=True)
    long_ago = datetime.now(UTC) - timedelta(hours=app.config["SESSION_MAX_HOURS"], minutes=1)
    db.session.execute(update(UserSession).values(created_at=long_ago))
    db.session.commit()
    assert "signed-in-as" not in client.get("/").get_data(as_text=True)


def test_a_session_ends_after_idle_minutes(app, client, make_user, sign_in):
    sign_in(make_user(Role.applicant))
    assert "signed-in-as" in client.get("/").get_data(as_text=True)
    idle = app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    with client.session_transaction() as cookie:
        cookie["seen"] = datetime.now(UTC).timestamp() - idle
    assert "signed-in-as" not in client.get("/").get_data(as_text=True)
    with client.session_transaction() as cookie:
        assert "sid" not in cookie  # forgotten, not merely hidden


def test_demo_seed_refuses_to_run_in_production(monkeypatch, database_urls, files_dir):
    from app.factory import create_app

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", database_urls["sqlite"])
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://grants.example.eu")
    production = create_app("production", FILES_DIR=files_dir)
    result = production.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0
    assert "refuses to run in production" in result.output
