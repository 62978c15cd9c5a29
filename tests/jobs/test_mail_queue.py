"""Mail goes through the queue (real Redis, RQ worker) to a real SMTP server (aiosmtpd), with
retries and backoff; each try is claimed once; the outbox shows every message's state."""

import re
import socket
from contextlib import contextmanager
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from app.accounts.models import Role
from app.core.database import utcnow
from app.core.extensions import db
from app.core.jobs import rq_queue
from app.core.mail import (
    REDACTED,
    MailStatus,
    OutboxMessage,
    hand_over,
    send_due_mail,
    send_mail,
)
from tests.jobs.conftest import work_off

pytestmark = pytest.mark.redis


class Inbox:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


@pytest.fixture
def smtp_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(port: int):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def mail_app(rq_app, smtp_port, monkeypatch):
    monkeypatch.setitem(rq_app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(rq_app.config, "MAIL_PORT", smtp_port)
    monkeypatch.setitem(rq_app.config, "MAIL_RETRY_DELAYS", (60, 300))
    return rq_app


def _message(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def _make_due(message_id: int) -> None:
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                       .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_mail_is_sent_by_the_queue_after_commit(mail_app, smtp_port):
    with smtp_server(smtp_port) as inbox:
        message = send_mail("Someone@Example.org", "Your receipt", "Hello")
        assert message.status == MailStatus.queued
        assert rq_queue(mail_app).count == 0  # nothing leaves before the commit
        db.session.commit()
        assert inbox.received == []  # and nothing is sent inside the request
        work_off(mail_app)
    sent = _message(message.id)
    assert (sent.status, sent.attempts, sent.last_error) == (MailStatus.sent, 1, None)
    assert sent.sent_at is not None
    [(recipients, content)] = inbox.received
    assert recipients == ["someone@example.org"] and "Subject: Your receipt" in content


def test_failed_tries_back_off_then_the_message_is_sent_when_the_server_is_back(
        mail_app, smtp_port):
    message = send_mail("late@example.org", "Hello", "Body")
    db.session.commit()
    work_off(mail_app)  # no server listens yet
    first = _message(message.id)
    assert (first.status, first.attempts) == (MailStatus.retrying, 1)
    assert "ConnectionRefusedError" in first.last_error
    delay = first.next_attempt_at - first.last_attempt_at
    assert delay == timedelta(seconds=60)  # the first delay of MAIL_RETRY_DELAYS
    assert send_due_mail() == 0  # not due yet
    _make_due(message.id)
    assert send_due_mail() == 1
    work_off(mail_app)
    second = _message(message.id)
    assert (second.status, second.attempts) == (MailStatus.retrying, 2)
    assert second.next_attempt_at - second.last_attempt_at == timedelta(seconds=300)
    _make_due(message.id)
    with smtp_server(smtp_port) as inbox:
        send_due_mail()
        work_off(mail_app)
    assert _message(message.id).status == MailStatus.sent
    assert len(inbox.received) == 1


def test_a_message_is_given_up_after_its_last_retry(mail_app):
    message = send_mail("never@example.org", "Hello", "Body")
    db.session.commit()
    work_off(mail_app)  # the first try; then one retry per delay (two delays)
    for _ in range(2):
        _make_due(message.id)
        assert send_due_mail() == 1
        work_off(mail_app)
    given_up = _message(message.id)
    assert (given_up.status, given_up.attempts) == (MailStatus.failed, 3)
    assert given_up.next_attempt_at is None
    assert send_due_mail() == 0


def test_a_message_handed_over_twice_is_sent_once(mail_app, smtp_port):
    message = send_mail("once@example.org", "Hello", "Body")
    db.session.commit()
    hand_over(mail_app, message.id)  # e.g. the worker loop thought the first hand-over lost
    with smtp_server(smtp_port) as inbox:
        work_off(mail_app)
    assert len(inbox.received) == 1 and _message(message.id).attempts == 1


def test_mail_queued_while_redis_was_down_is_handed_over_by_the_worker_loop(
        mail_app, smtp_port, monkeypatch):
    redis_url = mail_app.config["REDIS_URL"]
    monkeypatch.setitem(mail_app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    message = send_mail("patient@example.org", "Hello", "Body")
    db.session.commit()  # the hand-over fails quietly: the message waits in the outbox
    assert _message(message.id).status == MailStatus.queued
    monkeypatch.setitem(mail_app.config, "REDIS_URL", redis_url)  # Redis is back
    assert send_due_mail() == 0  # a fresh message may still be on its way
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id)
                       .values(created_at=utcnow() - timedelta(minutes=2)))
    db.session.commit()
    assert send_due_mail() == 1
    with smtp_server(smtp_port) as inbox:
        work_off(mail_app)
    assert _message(message.id).status == MailStatus.sent and len(inbox.received) == 1


def test_the_outbox_shows_each_message_state(mail_app, client, make_user, sign_in):
    sent = send_mail("a@example.org", "Sent one", "Body")
    waiting = send_mail("b@example.org", "Waiting one", "Body")
    db.session.commit()
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == sent.id).values(
        status=MailStatus.sent, attempts=1, sent_at=utcnow()))
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == waiting.id).values(
        status=MailStatus.retrying, attempts=2, next_attempt_at=utcnow(),
        last_error="ConnectionRefusedError: [Errno 111] Connection refused"))
    db.session.commit()
    sign_in(make_user(Role.admin))
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Sent</span>" in page and "Will be tried again</span>" in page
    assert "2 tries" in page and "Last error: ConnectionRefusedError" in page


def test_a_reset_link_is_mailed_and_then_removed_from_the_outbox(mail_app, smtp_port, client,
                                                                  make_user):
    from tests.conftest import csrf_token

    user = make_user(Role.applicant, email="rita@example.org")
    with smtp_server(smtp_port) as inbox:
        client.post("/accounts/reset", data={"email": user.email,
                                             "csrf_token": csrf_token(client, "/accounts/reset")})
        work_off(mail_app)
    [(_, content)] = inbox.received
    link = re.search(r"http://localhost(/accounts/reset/\S+)", content).group(1)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == user.email))
    assert message.status == MailStatus.sent and message.redact_after_sending is None
    assert link not in message.body and REDACTED in message.body
    assert "choose a new password here" in message.body  # the rest stays readable
    assert client.get(link).status_code == 200  # the recipient's own copy still works


def test_secrets_are_removed_when_a_message_is_given_up(mail_app):
    message = send_mail("x@example.org", "Invitation", "Accept: https://x/token-123",
                        secrets=["https://x/token-123"])
    db.session.commit()
    work_off(mail_app)  # nobody listens there: the first try, then one retry per delay
    for _ in range(2):
        _make_due(message.id)
        send_due_mail()
        work_off(mail_app)
    given_up = _message(message.id)
    assert given_up.status == MailStatus.failed
    assert given_up.body == f"Accept: {REDACTED}"
