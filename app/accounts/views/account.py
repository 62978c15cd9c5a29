"""Sign-in, sign-out, registration, password reset and invitation acceptance."""


from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.accounts.forms import (
    AcceptInvitationForm,
    LoginForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from app.accounts.services import registration
from app.accounts.services import users as services
from app.accounts.views import bp
from app.accounts.views.second_factor import begin_sign_in
from app.accounts.views.verification import limit_account_requests
from app.core.access import public, signed_in
from app.core.errors import DomainError
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.core.i18n import chosen_language
from app.core.links import same_site_path


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so a crafted link cannot bounce users to another site."""
    return same_site_path(target) or url_for("system.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            try:
                user = services.authenticate(form.email.data, form.password.data,
                                             ip=request.remote_addr or "unknown")
            except DomainError:
                db.session.commit()  # keep the failure: it counts toward throttling
                raise
            next_url = _safe_next(request.args.get("next"))
            signed_in_now = begin_sign_in(user, next_url)
            db.session.commit()
            if not signed_in_now:  # a second factor is set up: its code comes next
                return redirect(url_for("accounts.login_code"))
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(next_url)
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@signed_in
def logout():
    services.end_session(session.get("sid"))
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("system.home"))


@bp.route("/register", methods=["GET", "POST"])
@public
@limit_account_requests
def register():
    form = RegistrationForm()
    if form.validate_on_submit():
        organisation = services.OrganisationData(
            name=form.org_name.data.strip(), short_name=form.short_name.data or None,
            country=form.country.data, org_type=form.org_type.data,
            nace_code=form.nace_code.data or None,
            nace_revision=form.nace_revision.data or None,
            fields_of_science=tuple(form.fields_of_science.data or ()),
            identifier=form.identifier.data or None, website=form.website.data or None)
        with errors_shown_on(form):
            # The same answer whether the address is new or already has an account (whose
            # owner gets an e-mail instead): registration tells nobody who is registered.
            registration.register(email=form.email.data, name=form.name.data,
                                  password=form.password.data, organisation=organisation,
                                  sme_figures=form.sme_figures(), language=chosen_language())
            db.session.commit()
            flash(_("We sent an e-mail to %(email)s: open the link in it to confirm your "
                    "address. You can sign in meanwhile.",
                    email=services.normalise_email(form.email.data)), "success")
            return redirect(url_for("accounts.login", next=request.args.get("next")))
    return render_template("accounts/register.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@public
@limit_account_requests
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account exists for this address, we sent it a reset link."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with errors_shown_on(form) as refusal:
            services.reset_password(token, form.password.data)
            db.session.commit()
            flash(_("Your password is set. Sign in with it."), "success")
            return redirect(url_for("accounts.login"))
        if refusal.error.field is None:  # the link itself is spent: ask for a new one
            return redirect(url_for("accounts.reset_request"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    try:
        invitation = services.get_invitation(token)
    except DomainError as error:  # a spent or expired link: its message says to sign in
        flash(error.message, "danger")
        return redirect(url_for("accounts.login"))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            user = services.accept_invitation(token, name=form.name.data,
                                              password=form.password.data)
            # The password of an existing account is not enough: its second factor is asked too.
            signed_in_now = begin_sign_in(user, url_for("system.home"))
            db.session.commit()
            if not signed_in_now:
                return redirect(url_for("accounts.login_code"))
            flash(_("Welcome to OpenCall."), "success")
            return redirect(url_for("system.home"))
    return render_template("accounts/invitation.html", form=form, invitation=invitation,
                           signed_in_as=current_user if current_user.is_authenticated else None)
