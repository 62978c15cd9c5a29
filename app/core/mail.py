"""Outgoing e-mail: every message is kept in the outbox and sent by the job queue with retries.

send_mail() only adds a row in the caller's transaction; once it commits, the message is handed
to the queue (RQ, or a thread without Redis). Each try is claimed by a conditional update, so
two workers never send the same try; a failed try is retried after MAIL_RETRY_DELAYS, then the
message is marked failed. The worker loop (core.worker) sends what is due: retries, messages
whose hand-over was lost (Redis down), and tries whose worker died while sending.
"""

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.message import EmailMessage
from enum import StrEnum

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import JSON, CheckConstraint, Integer, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app.core.database import UTCDateTime, after_commit, utcnow
from app.core.extensions import db

log = logging.getLogger(__name__)


class MailStatus(StrEnum):
    kept = "kept"  # no mail server configured: the outbox is where it stays
    queued = "queued"
    sending = "sending"
    retrying = "retrying"
    sent = "sent"
    failed = "failed"

    @property
    def label(self) -> str:
        return {"kept": _("Kept here (no mail server)"), "queued": _("Waiting to be sent"),
                "sending": _("Being sent"), "retrying": _("Will be tried again"),
                "sent": _("Sent"), "failed": _("Not sent (gave up)")}[self.value]


# A try whose worker died keeps "sending"; after this long it is tried again (the message may
# then arrive twice, which beats not at all).
SENDING_STUCK_AFTER = timedelta(minutes=5)
# A queued message the queue never got (Redis was down) is handed over again after this long.
HANDOVER_LOST_AFTER = timedelta(minutes=1)
SMTP_TIMEOUT = 20  # seconds, per try
DELIVERY_TIMEOUT = 60  # seconds, the queue stops a try that takes longer


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (CheckConstraint(
        "status IN ('kept', 'queued', 'sending', 'retrying', 'sent', 'failed')",
        name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default=MailStatus.kept, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))
    # The parts of `body` to remove once the message has left; None when there are none left.
    redact_after_sending: Mapped[list | None] = mapped_column(JSON)

    @property
    def status_label(self) -> str:
        return MailStatus(self.status).label

    def redact(self) -> None:
        """Replace the message's secrets in the stored body (the mail itself had them)."""
        for secret in self.redact_after_sending or ():
            self.body = self.body.replace(secret, REDACTED)
        self.redact_after_sending = None


REDACTED = "[link removed from the outbox once sent]"


def send_mail(recipient: str, subject: str, body: str, *,
              secrets: Iterable[str] = ()) -> OutboxMessage:
    """Add a message in the current transaction; it is handed to the queue after commit.

    `secrets`: parts of the body (links with tokens) redacted from the outbox once sent.
    """
    recipient = recipient.strip().lower()
    configured = bool(current_app.config.get("MAIL_SERVER"))
    message = OutboxMessage(recipient=recipient, subject=subject, body=body,
                            status=MailStatus.queued if configured else MailStatus.kept,
                            redact_after_sending=[s for s in secrets if s] or None)
    db.session.add(message)
    if configured:
        db.session.flush()
        app, message_id = current_app._get_current_object(), message.id
        after_commit(db.session, lambda: hand_over(app, message_id))
    return message


def hand_over(app: Flask, message_id: int) -> None:
    """Give one message to the queue; if Redis is down the worker loop will do it later."""
    from redis.exceptions import RedisError

    from app.core.jobs import rq_queue, run_in_thread

    if app.config["JOBS_MODE"] != "rq":
        run_in_thread(app, deliver, message_id)
        return
    try:
        rq_queue(app).enqueue_call("app.core.mail.deliver", args=(message_id,),
                                  job_id=f"{app.config['JOBS_QUEUE']}-mail-{message_id}",
                                  timeout=DELIVERY_TIMEOUT)
    except RedisError as error:
        log.warning("Mail %s not handed to the queue (%s); the worker loop will", message_id,
                    error)


def deliver(message_id: int) -> str:
    """One try at sending one message (the queue runs this); returns the message's status."""
    with current_app.app_context():  # a session of its own, like every job
        return _deliver(message_id)


def _deliver(message_id: int) -> str:
    now = utcnow()
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id,
               OutboxMessage.status.in_((MailStatus.queued, MailStatus.retrying)))
        .values(status=MailStatus.sending, attempts=OutboxMessage.attempts + 1,
                last_attempt_at=now)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    message = db.session.get(OutboxMessage, message_id)
    if not claimed or message is None:  # sent, given up, or another worker is on it
        return message.status if message else "missing"
    config = current_app.config
    try:
        _send_by_smtp(config, message)
    except (OSError, smtplib.SMTPException) as error:
        delays = config["MAIL_RETRY_DELAYS"]
        message.last_error = f"{type(error).__name__}: {error}"[:300]
        if message.attempts > len(delays):
            message.status, message.next_attempt_at = MailStatus.failed, None
            message.redact()  # given up: a new link is asked for, never this one forwarded
            log.error("Gave up sending mail %s after %s tries", message_id, message.attempts)
        else:
            message.status = MailStatus.retrying
            message.next_attempt_at = now + timedelta(seconds=delays[message.attempts - 1])
    else:
        message.status, message.sent_at = MailStatus.sent, utcnow()
        message.next_attempt_at, message.last_error = None, None
        message.redact()
    db.session.commit()
    return message.status


def _send_by_smtp(config, message: OutboxMessage) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def send_due_mail(limit: int = 200) -> int:
    """Hand over the messages that are due (the worker loop calls this); returns how many."""
    if not current_app.config.get("MAIL_SERVER"):
        return 0
    now = utcnow()
    # A try whose worker died: make it due again.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == MailStatus.sending,
               OutboxMessage.last_attempt_at < now - SENDING_STUCK_AFTER)
        .values(status=MailStatus.retrying, next_attempt_at=now,
                last_error="The try did not finish (its worker stopped).")
        .execution_options(synchronize_session=False))
    db.session.commit()
    due = db.session.scalars(
        select(OutboxMessage.id).where(or_(
            (OutboxMessage.status == MailStatus.retrying)
            & (OutboxMessage.next_attempt_at <= now),
            (OutboxMessage.status == MailStatus.queued)
            & (OutboxMessage.created_at < now - HANDOVER_LOST_AFTER)))
        .order_by(OutboxMessage.id).limit(limit)).all()
    app = current_app._get_current_object()
    for message_id in due:
        hand_over(app, message_id)
    return len(due)


def list_outbox(*, recipient: str | None = None, page: int = 1, per_page: int = 50):
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient.strip().lower())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
