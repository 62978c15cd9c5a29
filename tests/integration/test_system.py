"""Health check, audit trail, outbox and job status pages."""

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.core import audit
from app.core.audit import AuditEvent
from app.core.extensions import db
from app.core.jobs import Job
from app.core.mail import send_mail


def test_healthz_ok(client, make_user, sign_in):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    sign_in(make_user(Role.admin))
    assert client.get("/healthz").json["checks"]["database"] == "ok"


def test_healthz_503_when_database_unreachable(files_dir):
    from app.factory import create_app

    broken = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none",
                        FILES_DIR=files_dir)
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    # Not which dependency failed, nor its exception class.
    assert response.json == {"status": "not ok"}


def test_healthz_names_the_failed_dependency_only_to_an_admin(app, client, make_user, sign_in,
                                                              monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    public = client.get("/healthz")
    assert public.status_code == 503 and public.json == {"status": "not ok"}
    sign_in(make_user(Role.applicant))
    assert client.get("/healthz").json == {"status": "not ok"}
    sign_in(make_user(Role.admin))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["redis"].startswith("error")
    assert response.json["checks"]["database"] == "ok"


def test_audit_events_are_append_only(app, make_user):
    user = make_user(Role.admin)
    event = audit.record(user, "test.done", user, {"n": 1})
    db.session.commit()
    event.action = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()


def test_admin_filters_the_audit_trail(client, make_user, sign_in):
    admin = make_user(Role.admin)
    audit.record(admin, "call.published", admin, {"reference": "ICT-1"})
    audit.record(admin, "grant.signed", admin)
    db.session.commit()
    sign_in(admin)
    page = client.get("/admin/audit?action=call.published").get_data(as_text=True)
    assert "call.published" in page and "grant.signed" not in page


def test_outbox_shows_messages_to_admins_only(client, make_user, sign_in):
    send_mail("Someone@Example.org", "Hello there", "Body text")
    db.session.commit()
    sign_in(make_user(Role.applicant))
    assert client.get("/admin/outbox").status_code == 403
    sign_in(make_user(Role.admin))
    page = client.get("/admin/outbox?recipient=someone@example.org").get_data(as_text=True)
    assert "Hello there" in page and "someone@example.org" in page


def test_admin_lists_keep_a_constant_query_count(client, make_user, sign_in, count_queries):
    admin = make_user(Role.admin)
    sign_in(admin)
    counts = []
    for extra in (1, 49):
        for _ in range(extra):
            user = make_user(Role.applicant, Role.evaluator)
            audit.record(user, "account.registered", user)
        db.session.commit()
        with count_queries() as statements:
            assert client.get("/admin/users").status_code == 200
            assert client.get("/admin/audit").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_job_status_is_visible_to_its_owner_only(app, client, make_user, sign_in):
    owner, other = make_user(Role.finance_officer), make_user(Role.finance_officer)
    job = Job(kind="report", params={}, requested_by_id=owner.id, progress=40, message="Half")
    db.session.add(job)
    db.session.commit()
    sign_in(other)
    assert client.get(f"/jobs/{job.id}").status_code == 404
    sign_in(owner)
    response = client.get(f"/jobs/{job.id}")
    assert response.status_code == 200
    assert response.json["progress"] == 40 and response.json["status"] == "queued"
    assert client.get(f"/jobs/{job.id}/download").status_code == 404  # not done yet
    assert db.session.scalar(select(Job.id)) == job.id


def test_every_page_links_the_favicon_which_is_served(client):
    page = client.get("/calls/").get_data(as_text=True)
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert icon.data.startswith(b"<svg")
