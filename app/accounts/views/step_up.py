"""Step-up: a fresh second-factor code before a sensitive action (ASVS 6.8.4 / 7.5.3).

    @bp.post("/users/<int:user_id>/roles")
    @requires(Role.admin)
    @recent_second_factor_required
    def change_roles(user_id): ...

A view so decorated runs only when the user gave a code within the last
SECOND_FACTOR_STEP_UP_MINUTES (15). Otherwise the user is sent to the step-up page and then
back to the page they came from; a POST is not carried out: its fields are kept and filled in
again on that page (static/js/restore-form.js), with a message to check and submit again.
"""

from datetime import UTC, datetime
from functools import wraps
from urllib.parse import urlsplit

from flask import flash, has_request_context, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.forms import SecondFactorCodeForm
from app.accounts.rules.second_factor import is_recent
from app.accounts.services import second_factor as factors
from app.accounts.views import bp
from app.core.access import signed_in
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.core.links import same_site_path

SESSION_KEY = "second_factor_at"
_FORM_KEY = "step_up_form"
_FORM_MAX_CHARS = 2000  # the session is a cookie: larger forms are not kept


def _now() -> float:
    return datetime.now(UTC).timestamp()


def mark_second_factor_given() -> None:
    """Call when the user has just given a valid code (sign-in, enrolment, step-up)."""
    session[SESSION_KEY] = _now()


def has_recent_second_factor() -> bool:
    return is_recent(session.get(SESSION_KEY), _now(), factors.fresh_step_up_minutes())


def _same_site_path(url: str | None) -> str | None:
    """The path of `url` (the Referer may be absolute) when it is on this site."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    return same_site_path(parts.path + (f"?{parts.query}" if parts.query else ""))


def _keep_posted_form(back: str) -> None:
    fields = [[name, value] for name, value in request.form.items(multi=True)
              if name != "csrf_token"]
    if sum(len(name) + len(value) for name, value in fields) <= _FORM_MAX_CHARS:
        session[_FORM_KEY] = {"path": urlsplit(back).path, "fields": fields}


def recent_second_factor_required(view):
    """Let the view run only after a recent second-factor code; see the module docstring."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if has_recent_second_factor():
            return view(*args, **kwargs)
        if request.method == "GET":
            back = request.full_path.rstrip("?")
        else:  # a POST-only URL cannot be shown again: back to the page holding the form
            back = _same_site_path(request.referrer) or request.path
            _keep_posted_form(back)
        return redirect(url_for("accounts.step_up", next=back))

    return guarded


@bp.route("/step-up", methods=["GET", "POST"])
@signed_in
def step_up():
    back = _same_site_path(request.args.get("next")) or url_for("system.home")
    if not factors.has_second_factor(current_user):
        flash(_("This action needs two-factor sign-in: set it up first."), "warning")
        return redirect(url_for("accounts.enrol_second_factor"))
    form = SecondFactorCodeForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            try:
                factors.verify_second_factor(current_user._get_current_object(), form.code.data,
                                             ip=request.remote_addr or "unknown")
            finally:
                db.session.commit()  # a wrong code counts toward the delays
            mark_second_factor_given()
            if session.get(_FORM_KEY, {}).get("path") == urlsplit(back).path:
                flash(_("Code accepted. Your form was not sent yet: check it and submit it "
                        "again."), "info")
            else:
                flash(_("Code accepted."), "success")
            return redirect(back)
    return render_template("accounts/step_up.html", form=form, back=back)


@bp.app_context_processor
def restored_form() -> dict:
    """The fields of a POST stopped by step-up, once, on the page it came from."""
    if not has_request_context():  # PDFs and mails rendered by jobs have no session
        return {"restored_form": None}
    kept = session.get(_FORM_KEY)
    if not kept or request.method != "GET" or kept.get("path") != request.path \
            or not has_recent_second_factor():
        return {"restored_form": None}
    session.pop(_FORM_KEY)
    return {"restored_form": kept["fields"]}
