"""An administrator's page of one user: roles (changed only after a fresh second-factor code)
and the reset of a lost second factor."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.forms import ResetSecondFactorForm, RolesForm
from app.accounts.models import Role
from app.accounts.services import roles as role_services
from app.accounts.services import second_factor as factors
from app.accounts.views import admin_bp
from app.accounts.views.step_up import recent_second_factor_required
from app.core.access import requires
from app.core.extensions import db
from app.core.forms import errors_shown_on


def _roles_form() -> RolesForm:
    form = RolesForm()
    form.roles.choices = [(r.value, r.label) for r in role_services.ASSIGNABLE_ROLES]
    return form


def _page(user, roles_form=None, reset_form=None, status=200):
    if roles_form is None:
        roles_form = _roles_form()
        roles_form.roles.data = sorted(r.value for r in user.roles
                                       if r in role_services.ASSIGNABLE_ROLES)
    return render_template("admin/user.html", user=user, roles_form=roles_form,
                           reset_form=reset_form or ResetSecondFactorForm(),
                           enrolled=factors.has_second_factor(user),
                           codes_left=factors.unused_recovery_codes(user)), status


@admin_bp.get("/users/<int:user_id>")
@requires(Role.admin)
def user(user_id: int):
    return _page(role_services.get_user(user_id))


@admin_bp.post("/users/<int:user_id>/roles")
@requires(Role.admin)
@recent_second_factor_required
def change_roles(user_id: int):
    user = role_services.get_user(user_id)
    form = _roles_form()
    if form.validate_on_submit():
        with errors_shown_on(form):
            role_services.change_roles(by=current_user, user=user,
                                       roles={Role(r) for r in form.roles.data or ()})
            db.session.commit()
            flash(_("Roles of %(name)s saved.", name=user.name), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return _page(user, roles_form=form, status=422)


@admin_bp.post("/users/<int:user_id>/second-factor/reset")
@requires(Role.admin)
@recent_second_factor_required
def reset_second_factor(user_id: int):
    user = role_services.get_user(user_id)
    form = ResetSecondFactorForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            factors.reset_second_factor(by=current_user, user=user, reason=form.reason.data)
            db.session.commit()
            flash(_("The second factor of %(name)s is reset and their sessions ended; they "
                    "set it up again at their next sign-in.", name=user.name), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return _page(user, reset_form=form, status=422)
