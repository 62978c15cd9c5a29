"""E-mail verification pages, the rule that an unverified account can do nothing else, and
the rate limits on registration and password-reset requests."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.accounts.forms import ResendVerificationForm
from app.accounts.services import registration
from app.accounts.services.users import normalise_email
from app.accounts.views import bp
from app.core.access import access_of, public, signed_in
from app.core.errors import DomainError
from app.core.extensions import db

# Counted in RATELIMIT_STORAGE_URI (Redis when configured: the same count in every process).
limiter = Limiter(key_func=get_remote_address, key_prefix="accounts")
bp.record_once(lambda state: limiter.init_app(state.app))


def _email_key() -> str:
    return "email:" + normalise_email(request.form.get("email", ""))


def limit_account_requests(view):
    """POSTs of a registration or reset form: per client address and per e-mail address."""
    view = limiter.limit(lambda: current_app.config["ACCOUNT_REQUESTS_PER_CLIENT"],
                         methods=["POST"])(view)
    return limiter.limit(lambda: current_app.config["ACCOUNT_REQUESTS_PER_EMAIL"],
                         key_func=_email_key, methods=["POST"])(view)


# What an account waiting for its address to be confirmed may still reach.
_WHILE_UNVERIFIED = frozenset({"accounts.verify_email_notice", "accounts.resend_verification",
                               "accounts.verify_email", "accounts.logout"})


@bp.before_app_request
def require_verified_email():
    """A self-registered account may sign in, but its first stop is the verification page."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in _WHILE_UNVERIFIED or endpoint.endswith("static") \
            or endpoint.startswith("api."):
        return None
    access = access_of(endpoint)
    if access is None or access.public or not current_user.is_authenticated:
        return None
    if registration.must_verify(current_user):
        return redirect(url_for("accounts.verify_email_notice"))
    return None


@bp.get("/verify")
@signed_in
def verify_email_notice():
    if not registration.must_verify(current_user):
        return redirect(url_for("system.home"))
    return render_template("accounts/verify_email.html", form=ResendVerificationForm())


@bp.post("/verify")
@signed_in
def resend_verification():
    form = ResendVerificationForm()
    if form.validate_on_submit() and registration.must_verify(current_user):
        if registration.send_verification(current_user):
            flash(_("We sent the link again to %(email)s.", email=current_user.email), "info")
        else:
            flash(_("We sent several links in the last hour: use one of those, or try again "
                    "later."), "warning")
        db.session.commit()
    return redirect(url_for("accounts.verify_email_notice"))


@bp.get("/verify/<token>")
@public
def verify_email(token: str):
    try:
        registration.verify_email(token)
    except DomainError as error:
        flash(_("%(message)s Sign in to get a new link.", message=error.message), "danger")
        return redirect(url_for("accounts.login"))
    db.session.commit()
    flash(_("Your e-mail address is confirmed."), "success")
    if current_user.is_authenticated:
        return redirect(url_for("system.home"))
    return redirect(url_for("accounts.login"))
