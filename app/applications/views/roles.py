"""A participant's role in the consortium: partner, associated partner or named subcontractor."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.applications.forms import RoleForm
from app.applications.services import applications as services
from app.applications.services import consortium
from app.applications.views import bp
from app.core.access import requires
from app.core.extensions import db
from app.core.forms import errors_shown_on


@bp.route("/<int:application_id>/participants/<int:participant_id>/role",
          methods=["GET", "POST"])
@requires(Role.applicant)
def participant_role(application_id: int, participant_id: int):
    application = services.get_application(application_id, by=current_user)
    services.require_coordinator(application, current_user)
    target = consortium.participant_in(application, participant_id)
    form = RoleForm()
    if request.method == "GET":
        form.version.data = application.version
        form.role.data = target.role
    if form.validate_on_submit():
        with errors_shown_on(form, refresh_version_from=application):
            consortium.set_role(application_id, participant_id, by=current_user,
                                role=form.role.data, expected_version=form.version.data)
            db.session.commit()
            flash(_("Role saved; the checklist and the budget follow it."), "success")
            return redirect(url_for("applications.detail", application_id=application_id))
    return render_template("applications/participant_role.html", application=application,
                           target=target, form=form)
