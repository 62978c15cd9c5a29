"""Account use cases: registration, throttled sign-in, sessions, resets, staff, invitations."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, or_, select

from app.accounts.models import (
    Funder,
    Invitation,
    LoginFailure,
    Organisation,
    Role,
    User,
    UserSession,
)
from app.accounts.rules.passwords import password_problem
from app.accounts.services.organisations import SmeFigures, apply_sme_figures, check_country
from app.accounts.services.passwords import hash_password, verify_password
from app.core import audit
from app.core.database import utcnow
from app.core.errors import DomainError, NotFound
from app.core.extensions import db
from app.core.mail import send_mail


class LoginThrottled(DomainError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _hash(password: str) -> str:
    problem = password_problem(password)
    if problem:
        raise DomainError(problem, field="password")
    return hash_password(password, current_app.config["PASSWORD_HASH_PARAMS"])


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _ensure_email_free(email: str) -> None:
    if find_user_by_email(email) is not None:
        raise DomainError("An account with this e-mail address already exists.", field="email")


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
        raise DomainError("An organisation with this identifier is already registered; "
                          "ask its contact to invite you.", field="identifier")
    user = User(email=normalise_email(email), name=name.strip(), password_hash=_hash(password),
                organisation=org)
    user.grant(Role.applicant)
    db.session.add(user)
    db.session.flush()
    audit.record(user, "account.registered", user, {"organisation": org.name})
    return user


# --- signing in -------------------------------------------------------------------------


def _recent_failures(column, value) -> int:
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return db.session.scalar(
        select(func.count()).select_from(LoginFailure)
        .where(column == value, LoginFailure.at >= since))


def authenticate(email: str, password: str, *, ip: str) -> User:
    """The user for these credentials; throttled per account and per address."""
    email = normalise_email(email)
    config = current_app.config
    if (_recent_failures(LoginFailure.email, email) >= config["LOGIN_MAX_FAILURES"]
            or _recent_failures(LoginFailure.ip, ip) >= config["LOGIN_MAX_FAILURES_PER_IP"]):
        raise LoginThrottled(
            f"Too many failed sign-ins. Wait {config['LOGIN_WINDOW_MINUTES']} minutes "
            "or reset your password.")
    user = find_user_by_email(email)
    if user is None or not user.is_active or not verify_password(
            user.password_hash, password, config["PASSWORD_HASH_PARAMS"]):
        db.session.add(LoginFailure(email=email, ip=ip))
        raise DomainError("E-mail address or password is wrong.", field="password")
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    return user


def start_session(user: User) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token=token, user_id=user.id))
    audit.record(user, "account.signed_in", user)
    return token


def end_session(token: str | None) -> None:
    if token:
        row = db.session.scalar(select(UserSession).where(UserSession.token == token))
        if row and row.revoked_at is None:
            row.revoked_at = utcnow()


def user_for_session(token: str | None, user_id: str) -> User | None:
    """The signed-in user, only while the server-side session is live."""
    if not token or not user_id.isdigit():
        return None
    return db.session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token == token, UserSession.revoked_at.is_(None),
               User.id == int(user_id)))


# --- signed links -----------------------------------------------------------------------


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"opencall.{purpose}")


def _load_token(purpose: str, token: str, max_age: int):
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise DomainError("This link has expired. Ask for a new one.") from None
    except BadSignature:
        raise DomainError("This link is not valid.") from None


def password_reset_link(user: User) -> str:
    # The hash fingerprint makes the link single-use: it dies with the password it resets.
    token = _serializer("reset").dumps({"user": user.id, "fp": (user.password_hash or "")[-16:]})
    return url_for("accounts.reset_password", token=token, _external=True)


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; say nothing either way (no account probing)."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    send_mail(user.email, "Reset your OpenCall password",
              f"Hello {user.name},\n\nchoose a new password here (valid for one hour):\n"
              f"{password_reset_link(user)}\n\nIf you did not ask for this, ignore this e-mail.")


def reset_password(token: str, password: str) -> User:
    data = _load_token("reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, data["user"])
    if user is None or (user.password_hash or "")[-16:] != data["fp"]:
        raise DomainError("This link has already been used. Ask for a new one.")
    user.password_hash = _hash(password)
    for row in db.session.scalars(select(UserSession).where(
            UserSession.user_id == user.id, UserSession.revoked_at.is_(None))):
        row.revoked_at = utcnow()
    audit.record(user, "account.password_reset", user)
    return user


# --- staff and evaluators ---------------------------------------------------------------

STAFF_ROLES = (Role.admin, Role.programme_officer, Role.finance_officer)


def create_staff_user(*, by: User, email: str, name: str, roles: list[Role],
                      funder_id: int | None) -> User:
    _ensure_email_free(email)
    if not roles or not set(roles) <= set(STAFF_ROLES):
        raise DomainError("Choose at least one staff role.", field="roles")
    officer = {Role.programme_officer, Role.finance_officer} & set(roles)
    if officer and funder_id is None:
        raise DomainError("Officers belong to a funder: choose one.", field="funder_id")
    user = User(email=normalise_email(email), name=name.strip(), funder_id=funder_id)
    for role in roles:
        user.grant(role)
    db.session.add(user)
    db.session.flush()
    send_mail(user.email, "Your OpenCall staff account",
              f"Hello {user.name},\n\n{by.name} created an OpenCall account for you "
              f"({', '.join(r.label for r in roles)}).\nChoose your password here:\n"
              f"{password_reset_link(user)}\n")
    audit.record(by, "account.staff_created", user, {"roles": sorted(roles)})
    return user


def invite_evaluator(*, by: User, email: str, funder_id: int | None) -> Invitation:
    # An officer fills only their own funder's expert pool; admins may choose any (or none).
    if not by.has_role(Role.admin) and funder_id != by.funder_id:
        raise DomainError("Invite experts for your own funder.", field="funder_id")
    invitation = Invitation(email=normalise_email(email), role=Role.evaluator,
                            funder_id=funder_id, invited_by_id=by.id)
    db.session.add(invitation)
    db.session.flush()
    token = _serializer("invitation").dumps({"invitation": invitation.id})
    link = url_for("accounts.accept_invitation", token=token, _external=True)
    send_mail(invitation.email, "Invitation to evaluate for OpenCall",
              f"Hello,\n\n{by.name} invites you to join OpenCall as an expert evaluator.\n"
              f"Accept here (valid for 14 days):\n{link}\n")
    audit.record(by, "account.evaluator_invited", invitation, {"email": invitation.email})
    return invitation


def get_invitation(token: str) -> Invitation:
    data = _load_token("invitation", token, current_app.config["INVITATION_MAX_AGE"])
    invitation = db.session.get(Invitation, data["invitation"])
    if invitation is None:
        raise NotFound("This invitation no longer exists.")
    if invitation.accepted_at is not None:
        raise DomainError("This invitation has already been accepted. Sign in instead.")
    return invitation


def accept_invitation(token: str, *, name: str, password: str) -> User:
    invitation = get_invitation(token)
    user = find_user_by_email(invitation.email)
    if user is None:
        user = User(email=invitation.email, name=name.strip(), password_hash=_hash(password))
        db.session.add(user)
    elif not verify_password(user.password_hash, password,
                             current_app.config["PASSWORD_HASH_PARAMS"]):
        raise DomainError("This e-mail already has an account: enter its password.",
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
