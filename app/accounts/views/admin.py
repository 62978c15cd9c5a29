"""Administration: staff accounts, evaluator invitations, the mail outbox and the audit trail."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.forms import EvaluatorInvitationForm, StaffUserForm
from app.accounts.models import Role
from app.accounts.services import users as services
from app.accounts.views import admin_bp
from app.core import audit
from app.core.access import requires
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.core.mail import list_outbox


def _page() -> int:
    return request.args.get("page", 1, type=int)


def _funder_choices(form, *, own_only: bool = False) -> None:
    funders = services.list_funders()
    if own_only:
        form.funder_id.choices = [(f.id, f.name) for f in funders
                                  if current_user.is_staff_of(f.id)]
    else:
        form.funder_id.choices = [("", _("No funder"))] + [(f.id, f.name) for f in funders]


@admin_bp.get("/users")
@requires(Role.admin)
def users():
    q = request.args.get("q", "").strip()
    return render_template("admin/users.html", users=services.list_users(q=q, page=_page()), q=q)


@admin_bp.route("/users/new", methods=["GET", "POST"])
@requires(Role.admin)
def new_staff_user():
    form = StaffUserForm()
    _funder_choices(form)
    if form.validate_on_submit():
        with errors_shown_on(form):
            services.create_staff_user(by=current_user, email=form.email.data,
                                       name=form.name.data,
                                       roles=[Role(r) for r in form.roles.data],
                                       funder_id=form.funder_id.data)
            db.session.commit()
            flash(_("Staff account created; we e-mailed a link to choose a password."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/staff_form.html", form=form)


@admin_bp.route("/evaluators/invite", methods=["GET", "POST"])
@requires(Role.admin, Role.programme_officer)
def invite_evaluator():
    form = EvaluatorInvitationForm()
    _funder_choices(form, own_only=not current_user.has_role(Role.admin))
    if request.method == "GET" and current_user.funder_id:
        form.funder_id.data = current_user.funder_id
    if form.validate_on_submit():
        with errors_shown_on(form):
            services.invite_evaluator(by=current_user, email=form.email.data,
                                      funder_id=form.funder_id.data)
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("admin.invite_evaluator"))
    return render_template("admin/invite_evaluator.html", form=form)


@admin_bp.get("/outbox")
@requires(Role.admin)
def outbox():
    recipient = request.args.get("recipient", "").strip()
    return render_template("admin/outbox.html",
                           messages=list_outbox(recipient=recipient or None, page=_page()),
                           recipient=recipient)


@admin_bp.get("/audit")
@requires(Role.admin)
def audit_trail():
    filters = {key: request.args.get(key, "").strip() or None
               for key in ("action", "target_type")}
    events = audit.list_events(**filters, page=_page())
    return render_template("admin/audit.html", events=events, filters=filters)
