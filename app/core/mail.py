"""Outgoing e-mail: every message is kept in the outbox, and sent by SMTP when configured."""

import smtplib
from datetime import datetime
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.database import UTCDateTime, after_commit, utcnow
from app.core.extensions import db


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def send_mail(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Queue a message in the current transaction; SMTP delivery happens after commit."""
    recipient = recipient.strip().lower()
    message = OutboxMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    config = current_app.config
    if config.get("MAIL_SERVER"):
        settings = {key: config.get(key) for key in (
            "MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_USE_TLS",
            "MAIL_SENDER")}
        logger = current_app.logger
        after_commit(db.session, lambda: _deliver(settings, recipient, subject, body, logger))
    return message


def _deliver(settings: dict, recipient: str, subject: str, body: str, logger) -> None:
    """Send one message; a mail server that is down must not undo saved work."""
    email = EmailMessage()
    email["From"] = settings["MAIL_SENDER"]
    email["To"] = recipient
    email["Subject"] = subject
    email.set_content(body)
    try:
        with smtplib.SMTP(settings["MAIL_SERVER"], settings["MAIL_PORT"], timeout=10) as smtp:
            if settings["MAIL_USE_TLS"]:
                smtp.starttls()
            if settings["MAIL_USERNAME"]:
                smtp.login(settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"])
            smtp.send_message(email)
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not send mail to %s; it stays in the outbox", recipient)


def list_outbox(*, recipient: str | None = None, page: int = 1, per_page: int = 50):
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient.strip().lower())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
