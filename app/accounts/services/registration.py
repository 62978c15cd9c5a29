"""Self-registration that tells nobody which addresses have accounts, and e-mail verification.

Registering with an address that already has an account answers exactly as a new
registration does, in about the same time (the password is hashed either way and a mail is
queued either way): the address's owner is told by e-mail that someone tried, and nothing is
created. A new account may sign in at once but can do nothing until its address is confirmed
by the emailed link (views/verification.py enforces it).
"""

from datetime import timedelta

from babel import Locale
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import Organisation, User
from app.accounts.services.organisations import SmeFigures
from app.accounts.services.users import (
    OrganisationData,
    _hash,
    _load_token,
    _serializer,
    find_user_by_email,
    normalise_email,
    register_applicant,
)
from app.core import audit
from app.core.database import utcnow
from app.core.errors import DomainError
from app.core.extensions import db
from app.core.i18n import N_, in_every_language, is_shipped, mail_language
from app.core.links import public_url
from app.core.mail import OutboxMessage, send_mail

# Subjects in English (the msgids); each mail is written in its recipient's language.
VERIFY_SUBJECT = N_("Confirm your e-mail address for OpenCall")
ATTEMPT_SUBJECT = N_("Someone tried to register on OpenCall with your address")


def register(*, email: str, name: str, password: str, organisation: OrganisationData,
             sme_figures: SmeFigures | None = None, language: str | None = None) -> User | None:
    """The new, unverified account; None when the address already has one (its owner is told).

    `language` is the shipped language the visitor registered in: the account keeps it, so
    its later pages (the visitor's session is renewed at sign-in), e-mails sent from jobs and
    PDFs such as the submission receipt are in it too. The caller must answer the same way in
    both cases.
    """
    existing = find_user_by_email(email)
    if existing is None:
        user = register_applicant(email=email, name=name, password=password,
                                  organisation=organisation, sme_figures=sme_figures)
        user.email_unverified_since = utcnow()
        if is_shipped(language) and language != _default_language():
            user.locale = language  # the default needs no choice: it follows the deployment
        send_verification(user)
        return user
    # The same checks and work as a registration, so that the answer and its time are the same.
    _hash(password)
    if organisation.identifier and db.session.scalar(
            select(Organisation.id).where(Organisation.identifier == organisation.identifier)):
        raise DomainError(_("An organisation with this identifier is already registered; "
                            "ask its contact to invite you."), field="identifier")
    _tell_the_owner(existing)
    return None


def _tell_the_owner(user: User) -> None:
    """At most MAIL_PER_ADDRESS_PER_HOUR such mails an hour, so nobody can flood an inbox."""
    if _mails_in_last_hour(user.email, ATTEMPT_SUBJECT) >= _per_hour():
        return
    with mail_language(user):  # whoever asked, the mail is for the account's owner
        send_mail(user.email, _(ATTEMPT_SUBJECT), _(
            "Hello %(name)s,\n\nsomeone tried to register a new OpenCall account with this "
            "e-mail address, which already has an account. Nothing was changed.\n\n"
            "If it was you: sign in instead, or reset your password here:\n%(link)s\n\n"
            "If it was not you, you need not do anything.",
            name=user.name, link=public_url("accounts.reset_request")))
    audit.record(None, "account.registration_with_existing_email", user)


def _default_language() -> str:
    return Locale.parse(current_app.config.get("BABEL_DEFAULT_LOCALE") or "en").language


def _per_hour() -> int:
    return current_app.config["ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR"]


def _mails_in_last_hour(address: str, subject: str) -> int:
    return db_count(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.recipient == address,
        OutboxMessage.subject.in_(sorted(in_every_language(subject))),
        OutboxMessage.created_at >= utcnow() - timedelta(hours=1)))


def db_count(query) -> int:
    return db.session.scalar(query) or 0


def verification_link(user: User) -> str:
    token = _serializer("verify-email").dumps({"user": user.id, "email": user.email})
    return public_url("accounts.verify_email", token=token)


def send_verification(user: User) -> bool:
    """Mail the link (again); False when the hourly limit for this address is reached."""
    if _mails_in_last_hour(user.email, VERIFY_SUBJECT) >= _per_hour():
        return False
    link = verification_link(user)
    days = current_app.config["EMAIL_VERIFICATION_MAX_AGE"] // (24 * 3600)
    # Sent as one registers or asks again: the page's language when the account has none.
    with mail_language(user, requester=True):
        send_mail(user.email, _(VERIFY_SUBJECT), _(
            "Hello %(name)s,\n\nconfirm that this is your e-mail address by opening this "
            "link (valid for %(days)d days):\n%(link)s\n\n"
            "Until then you can sign in, but not yet use OpenCall. If you did not register, "
            "ignore this e-mail.", name=user.name, days=days, link=link), secrets=[link])
    return True


def verify_email(token: str) -> User:
    """Confirm the address the token was issued for (an address changed since: refused)."""
    data = _load_token("verify-email", token, current_app.config["EMAIL_VERIFICATION_MAX_AGE"])
    user = db.session.get(User, data.get("user"))
    if user is None or user.email != normalise_email(data.get("email", "")):
        raise DomainError(_("This link is not valid."))
    if user.email_unverified_since is not None:
        user.email_unverified_since = None
        audit.record(user, "account.email_verified", user, {"email": user.email})
    return user


def must_verify(user) -> bool:
    return getattr(user, "email_unverified_since", None) is not None
