"""The audit trail as a hash chain: verified, broken links named, rewriting refused on
PostgreSQL, and concurrent writers that do not fork it."""

import threading
import time

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.accounts.models import Role, User
from app.core import audit
from app.core.audit import AuditEvent
from app.core.audit_chain import GENESIS, hash_of, verify
from app.core.extensions import db


def _events(actor, count: int) -> list[int]:
    ids = []
    for n in range(count):
        ids.append(audit.record(actor, "test.step", actor, {"n": n, "amount": "1.50"}))
    db.session.commit()
    return [event.id for event in ids]


def test_each_event_carries_the_hash_of_the_one_before(app, make_user):
    admin = make_user(Role.admin)
    first_id, second_id, third_id = _events(admin, 3)
    rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert rows[0].previous_hash == GENESIS
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.previous_hash == before.hash == hash_of(before, before.previous_hash)
    assert verify(db.session) == (len(rows), None)
    assert third_id > second_id > first_id


# On PostgreSQL the trigger refuses these rewrites (test below); SQLite shows what verify finds.
@pytest.mark.parametrize("backend", ["sqlite"])
def test_verify_names_the_first_broken_link_after_a_raw_rewrite(app, make_user):
    admin = make_user(Role.admin)
    ids = _events(admin, 4)
    with db.engine.begin() as connection:  # as someone with the database file would
        connection.execute(text("UPDATE audit_events SET data = '{\"n\": 99}' WHERE id = :id"),
                           {"id": ids[1]})
    checked, broken = verify(db.session)
    assert broken is not None and broken.event_id == ids[1] and "content" in broken.reason
    assert checked == len([event_id for event_id in _all_ids() if event_id < ids[1]])


@pytest.mark.parametrize("backend", ["sqlite"])
def test_verify_names_the_event_after_a_deleted_one(app, make_user):
    admin = make_user(Role.admin)
    ids = _events(admin, 3)
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[1]})
    _, broken = verify(db.session)
    assert broken.event_id == ids[2] and "link to the event before it" in broken.reason


def _all_ids() -> list[int]:
    return list(db.session.scalars(select(AuditEvent.id)))


def test_flask_audit_verify_reports_ok_and_then_the_broken_event(app, make_user, backend):
    admin = make_user(Role.admin)
    ids = _events(admin, 2)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and f"{len(_all_ids())} audit events verified" in ok.output
    if backend != "sqlite":
        return
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET action = 'x' WHERE id = :id"),
                           {"id": ids[0]})
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and f"audit event {ids[0]}" in broken.output


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_postgresql_refuses_update_and_delete_of_audit_events(app, make_user):
    admin = make_user(Role.admin)
    event_id = _events(admin, 1)[0]
    for statement in ("UPDATE audit_events SET action = 'rewritten' WHERE id = :id",
                      "DELETE FROM audit_events WHERE id = :id"):
        with pytest.raises(DBAPIError, match="audit events are append-only"), \
                db.engine.begin() as connection:
            connection.execute(text(statement), {"id": event_id})
    assert db.session.get(AuditEvent, event_id).action == "test.step"


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_concurrent_writers_do_not_fork_the_chain(app, make_user):
    admin_id = make_user(Role.admin).id
    db.session.commit()
    writers, per_writer = 8, 5
    barrier = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write() -> None:
        with app.app_context():
            try:
                actor = db.session.get(User, admin_id)
                db.session.commit()
                barrier.wait()
                for n in range(per_writer):
                    audit.record(actor, "test.concurrent", actor, {"n": n})
                    db.session.commit()
            except BaseException as error:  # reported below, not lost in the thread
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    checked, broken = verify(db.session)
    assert broken is None
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "test.concurrent")) == writers * per_writer
    assert checked == len(_all_ids())


def test_token_changes_are_audited_without_the_secret_and_chained(app, make_user):
    from app.api.services.tokens import create_token, revoke_token

    user = make_user(Role.applicant)
    token, plain = create_token(by=user, name="Grant sync", scope="read", expires_in_days=30)
    revoke_token(token.id, by=user)
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(["api.token_created", "api.token_revoked"]))
        .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["api.token_created", "api.token_revoked"]
    assert all(e.actor_id == user.id and e.target_id == str(token.id) for e in events)
    assert all(plain not in str(e.data) for e in events)
    assert verify(db.session)[1] is None


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_audit_then_row_lock_and_row_lock_then_audit_do_not_deadlock(app, make_user,
                                                                      make_grant):
    """A audits, then locks the grant; B locks the grant, then audits. With the chain's lock
    taken at the first audit flush, A held it while waiting for the grant and B waited for
    it while holding the grant: PostgreSQL broke the deadlock with 40P01 (a 500). The chain's
    lock is now taken at commit, after every row lock: B commits, then A."""
    from app.grants.models import Grant

    grant_id = make_grant().grant.id
    admin_id = make_user(Role.admin).id
    db.session.commit()
    a_audited, b_locked = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def lock_grant() -> None:
        db.session.execute(select(Grant.id).where(Grant.id == grant_id).with_for_update())

    def run(steps) -> None:
        with app.app_context():
            try:
                actor = db.session.get(User, admin_id)
                steps(actor)
                db.session.commit()
            except BaseException as error:  # reported below, not lost in the thread
                failures.append(error)
                a_audited.set(), b_locked.set()  # the other side must not wait for ever
            finally:
                db.session.remove()

    def audit_then_lock(actor) -> None:
        audit.record(actor, "test.audit_then_lock", actor)
        db.session.flush()
        a_audited.set()
        assert b_locked.wait(10)
        lock_grant()  # waits for B's commit

    def lock_then_audit(actor) -> None:
        assert a_audited.wait(10)
        lock_grant()
        b_locked.set()
        time.sleep(0.5)  # A is now waiting for the grant row
        audit.record(actor, "test.lock_then_audit", actor)

    threads = [threading.Thread(target=run, args=(steps,))
               for steps in (audit_then_lock, lock_then_audit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("test.%")).order_by(AuditEvent.id)).all()
    assert actions == ["test.lock_then_audit", "test.audit_then_lock"]
    assert verify(db.session)[1] is None


def test_events_of_a_rolled_back_savepoint_never_reach_the_trail(app, make_user):
    admin = make_user(Role.admin)
    before = db.session.scalar(select(db.func.count(AuditEvent.id)))
    savepoint = db.session.begin_nested()
    audit.record(admin, "test.vanishes", admin, {})
    db.session.flush()
    savepoint.rollback()
    released = db.session.begin_nested()
    audit.record(admin, "test.released", admin, {})
    released.commit()  # releasing a savepoint chains nothing yet: the commit below does
    audit.record(admin, "test.kept", admin, {})
    db.session.commit()
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[before:] == ["test.released", "test.kept"]
    assert verify(db.session)[1] is None
