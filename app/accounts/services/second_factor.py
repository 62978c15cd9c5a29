"""Second factor: TOTP enrolment, codes at sign-in and step-up, recovery codes, and the
admin-assisted reset when a device is lost (OWASP ASVS 5.0 6.5, 6.6)."""

import hmac
from datetime import datetime

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from app.accounts.models import LoginFailure, RecoveryCode, Role, SecondFactor, User
from app.accounts.rules.second_factor import (
    is_totp_code,
    new_recovery_codes,
    normalise_code,
    recovery_code_hash,
    second_factor_required,
)
from app.accounts.services.users import LoginThrottled, end_all_sessions, wait_before_trying
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.core.i18n import N_

ISSUER = "OpenCall"
WRONG_CODE = N_("This code is not right, or it was already used. Try the next one.")


def confirmed_factor(user: User) -> SecondFactor | None:
    return db.session.scalar(select(SecondFactor).where(
        SecondFactor.user_id == user.id, SecondFactor.confirmed_at.is_not(None)))


def has_second_factor(user: User) -> bool:
    return confirmed_factor(user) is not None


def must_enrol(user: User) -> bool:
    """A role that approves, ranks or pays, and no confirmed factor yet."""
    return second_factor_required(user.roles) and not has_second_factor(user)


def unused_recovery_codes(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


# --- enrolment ----------------------------------------------------------------------------


def start_enrolment(*, by: User) -> SecondFactor:
    """The user's pending authenticator, with a new secret the first time it is asked for."""
    factor = db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == by.id))
    if factor is not None and factor.confirmed_at is not None:
        raise Conflict(_("Two-factor sign-in is already set up for your account."))
    if factor is None:
        factor = SecondFactor(user_id=by.id, secret=pyotp.random_base32())
        db.session.add(factor)
        db.session.flush()
    return factor


def provisioning_uri(factor: SecondFactor, user: User) -> str:
    return pyotp.TOTP(factor.secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(uri: str) -> str:
    """The otpauth:// link as an inline SVG: no image request, nothing leaves the page."""
    return segno.make(uri, error="m").svg_inline(scale=5, title="QR code of your secret")


def confirm_enrolment(*, by: User, code: str, ip: str) -> list[str]:
    """Turn the pending authenticator on with its first code; returns the ten recovery codes,
    which are shown once and kept only hashed. Every other session of the user ends."""
    factor = db.session.scalar(select(SecondFactor).where(
        SecondFactor.user_id == by.id).with_for_update())
    if factor is None or factor.confirmed_at is not None:
        raise Conflict(_("Start the set-up again: this page is out of date."))
    _refuse_while_throttled(by, ip)
    step = _matching_step(factor, normalise_code(code))
    if step is None:
        _record_failure(by, ip, "enrolment")
        raise DomainError(_(WRONG_CODE), field="code")
    factor.confirmed_at, factor.last_step = utcnow(), step
    codes = _replace_recovery_codes(by)
    end_all_sessions(by)
    _forget_failures(by, ip)
    audit.record(by, "account.second_factor_enrolled", by)
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = new_recovery_codes()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=recovery_code_hash(code))
                       for code in codes)
    return codes


def replace_recovery_codes(*, by: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working (for a user who used or lost them)."""
    if not has_second_factor(by):
        raise Conflict(_("Set up two-factor sign-in first."))
    codes = _replace_recovery_codes(by)
    audit.record(by, "account.recovery_codes_replaced", by)
    return codes


def turn_off(*, by: User) -> None:
    """A user whose roles do not require it may go back to the password alone; like any
    factor change, every session ends."""
    if second_factor_required(by.roles):
        raise Forbidden(_("Your role needs two-factor sign-in: it stays on."))
    factor = db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == by.id)
                               .with_for_update())
    if factor is None or factor.confirmed_at is None:
        raise Conflict(_("Two-factor sign-in is already off."))
    db.session.delete(factor)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == by.id))
    end_all_sessions(by)
    audit.record(by, "account.second_factor_removed", by)


# --- codes --------------------------------------------------------------------------------


def verify_second_factor(user: User, code: str, *, ip: str) -> str:
    """Accept a code from the authenticator, or an unused recovery code, once; returns which
    ("authenticator" or "recovery code"). Wrong codes slow down like wrong passwords."""
    factor = db.session.scalar(select(SecondFactor).where(
        SecondFactor.user_id == user.id, SecondFactor.confirmed_at.is_not(None))
        .with_for_update())  # two requests with one code: the second waits, then fails
    if factor is None:
        raise Conflict(_("Two-factor sign-in is not set up for this account."))
    _refuse_while_throttled(user, ip)
    typed = normalise_code(code)
    if is_totp_code(typed):
        step = _matching_step(factor, typed)
        if step is not None:
            factor.last_step = step
            _forget_failures(user, ip)
            return "authenticator"
    elif typed:
        recovery = db.session.scalar(select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == recovery_code_hash(typed),
            RecoveryCode.used_at.is_(None)).with_for_update())
        if recovery is not None:
            recovery.used_at = utcnow()
            _forget_failures(user, ip)
            audit.record(user, "account.recovery_code_used", user,
                         {"ip": ip, "left": unused_recovery_codes(user)})
            return "recovery code"
    _record_failure(user, ip, "code")
    raise DomainError(_(WRONG_CODE), field="code")


def _matching_step(factor: SecondFactor, code: str, at: datetime | None = None) -> int | None:
    """The time step whose code this is: now, or one step either side for clock drift
    (RFC 6238 section 6), and only a step after the last accepted one, so that a code
    overheard or typed twice is refused (ASVS 6.5.1)."""
    if not is_totp_code(code):
        return None
    totp = pyotp.TOTP(factor.secret)
    now_step = totp.timecode(at or utcnow())
    for step in (now_step - 1, now_step, now_step + 1):
        if factor.last_step is not None and step <= factor.last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


# Wrong codes are counted in the sign-in failures under their own key, so that a correct
# password (which clears the password's failures) does not reset the count of codes.
def _failure_key(user: User) -> str:
    return f"second-factor:{user.id}"


def _refuse_while_throttled(user: User, ip: str) -> None:
    wait = wait_before_trying(_failure_key(user), ip)
    if wait:
        raise LoginThrottled(_("Too many wrong codes. Try again in %(seconds)d seconds.",
                               seconds=wait),
                             field="code")


def _record_failure(user: User, ip: str, stage: str) -> None:
    db.session.add(LoginFailure(email=_failure_key(user), ip=ip))
    audit.record(user, "account.second_factor_failed", user, {"ip": ip, "stage": stage})


def _forget_failures(user: User, ip: str) -> None:
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == _failure_key(user),
                                                  LoginFailure.ip == ip))


# --- losing the device --------------------------------------------------------------------


def reset_second_factor(*, by: User, user: User, reason: str) -> None:
    """An admin removes the authenticator and recovery codes of a user who lost them, after
    checking who asks (docs/security.md); the user's sessions end and a user whose roles
    require a factor enrols again at the next sign-in."""
    if not by.has_role(Role.admin):
        raise Forbidden(_("Only administrators reset a second factor."))
    if by.id == user.id:
        raise Forbidden(_("Ask another administrator to reset your own second factor."))
    if not reason.strip():
        raise DomainError(_("Say how you checked who asked."), field="reason")
    factor = db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == user.id)
                               .with_for_update())
    if factor is None:
        raise NotFound(_("This user has no second factor to reset."))
    db.session.delete(factor)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_all_sessions(user)
    audit.record(by, "account.second_factor_reset", user, {"reason": reason.strip()})


def fresh_step_up_minutes() -> int:
    return current_app.config["SECOND_FACTOR_STEP_UP_MINUTES"]
