"""Two-factor sign-in: the code asked after the password, enrolment, and the account page.

After a correct password, a user with a factor is not signed in: the session only remembers
who is half-way (PENDING_KEY) until the code is given. Users whose roles require a factor and
who have none are signed in but may only enrol or sign out (require_enrolment).
"""

from datetime import UTC, datetime

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user

from app.accounts.forms import EnrolmentForm, SecondFactorCodeForm, TurnOffSecondFactorForm
from app.accounts.models import User
from app.accounts.rules.second_factor import second_factor_required
from app.accounts.services import second_factor as factors
from app.accounts.services import users as services
from app.accounts.views import bp
from app.accounts.views.step_up import (
    mark_second_factor_given,
    recent_second_factor_required,
)
from app.core.access import public, signed_in
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.core.i18n import SESSION_KEY as LANGUAGE_KEY

PENDING_KEY = "pending_second_factor"
# Set once the session is known to belong to a user with a factor, so that pages do not ask
# the database again: a reset of the factor ends the session anyway.
ENROLLED_KEY = "has_second_factor"
# What a user who must still enrol may reach: the enrolment itself and signing out.
_WHILE_ENROLLING = frozenset({"accounts.enrol_second_factor", "accounts.logout"})


def _now() -> float:
    return datetime.now(UTC).timestamp()


def _ip() -> str:
    return request.remote_addr or "unknown"


def _fresh_session() -> None:
    """Drop the cookie's old content (no session fixation), except the language the visitor
    chose in the header: it is no secret, and signing in should not switch the page back."""
    language = session.get(LANGUAGE_KEY)
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language


def sign_in(user: User) -> None:
    """A fresh server-side session (no fixation: the cookie's old content is dropped)."""
    _fresh_session()
    session["sid"] = services.start_session(user, ip=request.remote_addr)
    login_user(user)


def begin_sign_in(user: User, next_url: str) -> bool:
    """After the password: True if the user is signed in, False if a code is asked first."""
    if not factors.has_second_factor(user):
        sign_in(user)
        return True
    _fresh_session()
    session[PENDING_KEY] = {"user": user.id, "at": _now(), "next": next_url}
    return False


def _pending_user() -> User | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    minutes = current_app.config["SECOND_FACTOR_PENDING_MINUTES"]
    if not 0 <= _now() - pending.get("at", 0) <= minutes * 60:
        session.pop(PENDING_KEY, None)
        return None
    user = db.session.get(User, pending.get("user"))
    return user if user is not None and user.is_active else None


@bp.route("/login/code", methods=["GET", "POST"])
@public
def login_code():
    user = _pending_user()
    if user is None:
        flash(_("Sign in with your password first: the code is asked only for %(minutes)d "
                "minutes after it.",
                minutes=current_app.config["SECOND_FACTOR_PENDING_MINUTES"]), "info")
        return redirect(url_for("accounts.login"))
    form = SecondFactorCodeForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            try:
                how = factors.verify_second_factor(user, form.code.data, ip=_ip())
            finally:
                db.session.commit()  # wrong codes count toward the delays
            next_url = session[PENDING_KEY].get("next") or url_for("system.home")
            sign_in(user)
            mark_second_factor_given()
            session[ENROLLED_KEY] = True
            db.session.commit()
            if how == "recovery code":
                flash(ngettext(
                    "You signed in with a recovery code; %(num)d is left. Ask an administrator "
                    "to reset your second factor if you lost your device.",
                    "You signed in with a recovery code; %(num)d are left. Ask an administrator "
                    "to reset your second factor if you lost your device.",
                    factors.unused_recovery_codes(user)), "warning")
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(next_url)
    return render_template("accounts/login_code.html", form=form)


@bp.route("/two-factor", methods=["GET", "POST"])
@signed_in
def enrol_second_factor():
    user = current_user._get_current_object()  # the audit names the model, not the proxy
    if factors.has_second_factor(user):
        flash(_("Two-factor sign-in is already on for your account."), "info")
        return redirect(url_for("accounts.account"))
    factor = factors.start_enrolment(by=user)
    db.session.commit()  # the secret shown must be the one checked on submit
    form = EnrolmentForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            try:
                codes = factors.confirm_enrolment(by=user, code=form.code.data, ip=_ip())
            finally:
                db.session.commit()
            # Every session ended with the change; this one starts again, proven by the code.
            sign_in(user)
            mark_second_factor_given()
            session[ENROLLED_KEY] = True
            db.session.commit()
            return render_template("accounts/recovery_codes.html", codes=codes)
    uri = factors.provisioning_uri(factor, user)
    return render_template("accounts/enrol.html", form=form, secret=factor.secret,
                           qr_svg=factors.qr_code_svg(uri), required=factors.must_enrol(user))


@bp.get("/account")
@signed_in
def account():
    return _account_page(TurnOffSecondFactorForm())


def _account_page(turn_off_form, status: int = 200):
    required = second_factor_required(current_user.roles)
    return render_template("accounts/account.html",
                           enrolled=factors.has_second_factor(current_user),
                           codes_left=factors.unused_recovery_codes(current_user),
                           required=required, turn_off_form=turn_off_form), status


@bp.post("/two-factor/recovery-codes")
@signed_in
@recent_second_factor_required
def new_recovery_codes():
    codes = factors.replace_recovery_codes(by=current_user._get_current_object())
    db.session.commit()
    return render_template("accounts/recovery_codes.html", codes=codes, renewed=True)


@bp.post("/two-factor/off")
@signed_in
@recent_second_factor_required
def turn_off_second_factor():
    user = current_user._get_current_object()
    form = TurnOffSecondFactorForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            factors.turn_off(by=user)
            sign_in(user)  # every session ended with the change; this one starts anew
            db.session.commit()
            flash(_("Two-factor sign-in is off. You can turn it on again here."), "info")
            return redirect(url_for("accounts.account"))
    return _account_page(form, status=422)


def require_enrolment():
    """before_request hook (after access control): staff who must have a second factor and
    have none do nothing but enrol (or sign out)."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in _WHILE_ENROLLING or endpoint == "static" \
            or endpoint.startswith("api.") or "sid" not in session or session.get(ENROLLED_KEY):
        return None
    if not current_user.is_authenticated or not second_factor_required(current_user.roles):
        return None
    if factors.has_second_factor(current_user):
        session[ENROLLED_KEY] = True
        return None
    flash(_("Your role needs two-factor sign-in: set it up to continue."), "warning")
    return redirect(url_for("accounts.enrol_second_factor"))
