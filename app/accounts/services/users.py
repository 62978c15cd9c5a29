"""Account use cases: registration, throttled sign-in, sessions, resets, staff, invitations."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import joinedload

from app.accounts.models import (
    Funder,
    Invitation,
    LoginFailure,
    Organisation,
    Role,
    User,
    UserSession,
)
from app.accounts.services.organisations import SmeFigures, apply_sme_figures, check_country
from app.accounts.services.passwords import hash_password, password_refusal, verify_password
from app.core import audit
from app.core.database import utcnow
from app.core.errors import DomainError, NotFound
from app.core.extensions import db
from app.core.i18n import N_, in_every_language, mail_language
from app.core.links import public_url
from app.core.mail import OutboxMessage, send_mail


class LoginThrottled(DomainError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _hash(password: str) -> str:
    problem = password_refusal(password)
    if problem:
        raise DomainError(problem, field="password")
    return hash_password(password, current_app.config["PASSWORD_HASH_PARAMS"])


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _ensure_email_free(email: str) -> None:
    if find_user_by_email(email) is not None:
        raise DomainError(_("An account with this e-mail address already exists."),
                          field="email")


@dataclass(frozen=True)
class OrganisationData:
    name: str
    country: str
    org_type: str
    short_name: str | None = None
    nace_code: str | None = None
    nace_revision: str | None = None
    fields_of_science: tuple[str, ...] = ()
    identifier: str | None = None
    website: str | None = None
    description: str | None = None


def register_applicant(*, email: str, name: str, password: str,
                       organisation: OrganisationData,
                       sme_figures: SmeFigures | None = None) -> User:
    """A new applicant and their organisation; SME status comes from the figures, if given."""
    _ensure_email_free(email)
    org = Organisation(**{**organisation.__dict__,
                          "country": check_country(organisation.country),
                          "fields_of_science": list(organisation.fields_of_science)})
    apply_sme_figures(org, sme_figures or SmeFigures(), today=utcnow().date())
    if organisation.identifier and db.session.scalar(
            select(Organisation.id).where(Organisation.identifier == organisation.identifier)):
        raise DomainError(_("An organisation with this identifier is already registered; "
                            "ask its contact to invite you."), field="identifier")
    user = User(email=normalise_email(email), name=name.strip(), password_hash=_hash(password),
                organisation=org)
    user.grant(Role.applicant)
    db.session.add(user)
    db.session.flush()
    audit.record(user, "account.registered", user, {"organisation": org.name})
    return user


# --- signing in -------------------------------------------------------------------------


def _failures(*conditions) -> tuple[int, datetime | None]:
    """How many failed sign-ins match, within the window, and when the last one was."""
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    count, last = db.session.execute(
        select(func.count(), func.max(LoginFailure.at)).select_from(LoginFailure)
        .where(LoginFailure.at >= since, *conditions)).one()
    return count, last


def growing_delay(failures: int, free: int, first: int, cap: int) -> int:
    """Seconds to wait after `failures` failed sign-ins: none for the first `free`, then
    `first`, twice that, four times ... up to `cap`. A delay, never a lock: nobody can shut
    an account out for good."""
    if failures < free:
        return 0
    return min(cap, first * 2 ** min(failures - free, 20))


def wait_before_trying(email: str, ip: str) -> int:
    """Seconds this address must still wait before trying this account (0: go ahead); the
    second factor counts its failures under its own key (services/second_factor.py).
    Three counters (OWASP ASVS 5.0 6.3.1): this address on this account (the usual guesser),
    this address on any account (password spraying), and this account from anywhere, whose
    delay stays short so that strangers elsewhere cannot keep its owner out."""
    config = current_app.config
    cap, first = config["LOGIN_MAX_DELAY_SECONDS"], config["LOGIN_FIRST_DELAY_SECONDS"]
    checks = (
        ((LoginFailure.email == email, LoginFailure.ip == ip), config["LOGIN_MAX_FAILURES"],
         first, cap),
        ((LoginFailure.ip == ip,), config["LOGIN_MAX_FAILURES_PER_IP"], first, cap),
        ((LoginFailure.email == email,), config["LOGIN_MAX_FAILURES_PER_ACCOUNT"], 1,
         config["LOGIN_ACCOUNT_MAX_DELAY_SECONDS"]),
    )
    now = utcnow()
    wait = 0
    for conditions, free, start, limit in checks:
        count, last = _failures(*conditions)
        delay = growing_delay(count, free, start, limit)
        if delay and last is not None:
            wait = max(wait, int((last + timedelta(seconds=delay) - now).total_seconds()) + 1)
    return max(wait, 0)


@cache
def _stand_in_hash(params: tuple) -> str:
    """A hash to verify against when the account does not exist, so that unknown e-mails
    take as long as known ones (ASVS 6.3.8: no account probing by timing)."""
    return hash_password(secrets.token_urlsafe(16), dict(params) or None)


def authenticate(email: str, password: str, *, ip: str) -> User:
    """The user for these credentials; failures slow down by account and by address."""
    email = normalise_email(email)
    config = current_app.config
    wait = wait_before_trying(email, ip)
    if wait:
        raise LoginThrottled(
            _("Too many failed sign-ins. Try again in %(seconds)d seconds, or reset your "
              "password.", seconds=wait))
    user = find_user_by_email(email)
    params = config["PASSWORD_HASH_PARAMS"]
    stored = user.password_hash if user is not None and user.password_hash else \
        _stand_in_hash(tuple(sorted((params or {}).items())))
    matches = verify_password(stored, password, params)
    if user is None or not user.is_active or not user.password_hash or not matches:
        db.session.add(LoginFailure(email=email, ip=ip))
        if user is not None:  # unknown e-mails are not audited: the table would fill with junk
            audit.record(None, "account.sign_in_failed", user, {"ip": ip})
        raise DomainError(_("E-mail address or password is wrong."), field="password")
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email,
                                                  LoginFailure.ip == ip))
    return user


def start_session(user: User, *, ip: str | None = None) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token=token, user_id=user.id))
    audit.record(user, "account.signed_in", user, {"ip": ip} if ip else None)
    return token


def end_session(token: str | None) -> None:
    if token:
        row = db.session.scalar(select(UserSession).where(UserSession.token == token))
        if row and row.revoked_at is None:
            row.revoked_at = utcnow()


def end_all_sessions(user: User) -> None:
    """Every session of the user ends: after a password or second-factor change (ASVS 7.4.3),
    whoever held a session must prove themselves again."""
    for row in db.session.scalars(select(UserSession).where(
            UserSession.user_id == user.id, UserSession.revoked_at.is_(None))):
        row.revoked_at = utcnow()


def user_for_session(token: str | None, user_id: str) -> User | None:
    """The signed-in user, only while the server-side session is live."""
    if not token or not user_id.isdigit():
        return None
    # However active, a session ends SESSION_MAX_HOURS after sign-in (ASVS 7.3.2); the idle
    # limit is kept in the signed cookie (app/core/security.py).
    started_after = utcnow() - timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    # Session, user and roles in one statement: every signed-in request pays it.
    return db.session.execute(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .options(joinedload(User.role_rows))
        .where(UserSession.token == token, UserSession.revoked_at.is_(None),
               UserSession.created_at > started_after, User.id == int(user_id))
    ).unique().scalar_one_or_none()


# --- signed links -----------------------------------------------------------------------


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"opencall.{purpose}")


def _load_token(purpose: str, token: str, max_age: int):
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise DomainError(_("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise DomainError(_("This link is not valid.")) from None


def password_reset_link(user: User) -> str:
    # The hash fingerprint makes the link single-use: it dies with the password it resets.
    token = _serializer("reset").dumps({"user": user.id, "fp": (user.password_hash or "")[-16:]})
    return public_url("accounts.reset_password", token=token)


RESET_SUBJECT = N_("Reset your OpenCall password")  # sent in the account's language


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way (no account probing)."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    # At most PASSWORD_RESETS_PER_HOUR mails to one account, so that nobody can bury an
    # inbox in reset mails; the page says the same either way.
    since = utcnow() - timedelta(hours=1)
    if db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.recipient == user.email,
            OutboxMessage.subject.in_(sorted(in_every_language(RESET_SUBJECT))),
            OutboxMessage.created_at >= since)) >= current_app.config["PASSWORD_RESETS_PER_HOUR"]:
        return
    link = password_reset_link(user)
    with mail_language(user):  # anyone may type the address: the account's language
        send_mail(user.email, _(RESET_SUBJECT), _(
            "Hello %(name)s,\n\nchoose a new password here (valid for one hour):\n%(link)s\n\n"
            "If you did not ask for this, ignore this e-mail.", name=user.name, link=link),
            secrets=[link])


def reset_password(token: str, password: str) -> User:
    data = _load_token("reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, data["user"])
    if user is None or (user.password_hash or "")[-16:] != data["fp"]:
        raise DomainError(_("This link has already been used. Ask for a new one."))
    user.password_hash = _hash(password)
    end_all_sessions(user)
    audit.record(user, "account.password_reset", user)
    return user


# --- staff and evaluators ---------------------------------------------------------------

STAFF_ROLES = (Role.admin, Role.programme_officer, Role.finance_officer, Role.organiser)


def create_staff_user(*, by: User, email: str, name: str, roles: list[Role],
                      funder_id: int | None) -> User:
    _ensure_email_free(email)
    if not roles or not set(roles) <= set(STAFF_ROLES):
        raise DomainError(_("Choose at least one staff role."), field="roles")
    # Officers and event organisers act for one institution (a funder).
    officer = {Role.programme_officer, Role.finance_officer, Role.organiser} & set(roles)
    if officer and funder_id is None:
        raise DomainError(_("Officers and organisers belong to an institution: choose one."),
                          field="funder_id")
    user = User(email=normalise_email(email), name=name.strip(), funder_id=funder_id)
    for role in roles:
        user.grant(role)
    db.session.add(user)
    db.session.flush()
    link = password_reset_link(user)
    with mail_language(user):  # a new account has no language yet: the deployment's
        send_mail(user.email, _("Your OpenCall staff account"), _(
            "Hello %(name)s,\n\n%(by)s created an OpenCall account for you (%(roles)s).\n"
            "Choose your password here:\n%(link)s\n", name=user.name, by=by.name,
            roles=", ".join(r.label for r in roles), link=link), secrets=[link])
    audit.record(by, "account.staff_created", user, {"roles": sorted(roles)})
    return user


def invite_evaluator(*, by: User, email: str, funder_id: int | None) -> Invitation:
    # An officer fills only their own funder's expert pool; admins may choose any (or none).
    if not by.has_role(Role.admin) and funder_id != by.funder_id:
        raise DomainError(_("Invite experts for your own funder."), field="funder_id")
    invitation = Invitation(email=normalise_email(email), role=Role.evaluator,
                            funder_id=funder_id, invited_by_id=by.id)
    db.session.add(invitation)
    db.session.flush()
    token = _serializer("invitation").dumps({"invitation": invitation.id})
    link = public_url("accounts.accept_invitation", token=token)
    with mail_language():  # only an address: the language the inviter writes in
        send_mail(invitation.email, _("Invitation to evaluate for OpenCall"), _(
            "Hello,\n\n%(by)s invites you to join OpenCall as an expert evaluator.\n"
            "Accept here (valid for 14 days):\n%(link)s\n", by=by.name, link=link),
            secrets=[link])
    audit.record(by, "account.evaluator_invited", invitation, {"email": invitation.email})
    return invitation


def get_invitation(token: str) -> Invitation:
    data = _load_token("invitation", token, current_app.config["INVITATION_MAX_AGE"])
    invitation = db.session.get(Invitation, data["invitation"])
    if invitation is None:
        raise NotFound(_("This invitation no longer exists."))
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been accepted. Sign in instead."))
    return invitation


def accept_invitation(token: str, *, name: str, password: str) -> User:
    invitation = get_invitation(token)
    user = find_user_by_email(invitation.email)
    if user is None:
        user = User(email=invitation.email, name=name.strip(), password_hash=_hash(password))
        db.session.add(user)
    elif not verify_password(user.password_hash, password,
                             current_app.config["PASSWORD_HASH_PARAMS"]):
        raise DomainError(_("This e-mail already has an account: enter its password."),
                          field="password")
    user.grant(Role(invitation.role))
    invitation.accepted_at = utcnow()
    db.session.flush()
    audit.record(user, "account.invitation_accepted", invitation, {"role": invitation.role})
    return user


def list_users(*, q: str | None = None, page: int = 1, per_page: int = 50):
    query = select(User).order_by(User.email)
    if q:
        pattern = f"%{q.strip().lower()}%"
        query = query.where(or_(User.email.like(pattern), func.lower(User.name).like(pattern)))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def list_funders() -> list[Funder]:
    return list(db.session.scalars(select(Funder).order_by(Funder.name)))


def choose_language(user: User, code: str) -> None:
    """Pages, e-mails and PDFs for `user` in `code` from now on (a shipped language)."""
    user.locale = code
