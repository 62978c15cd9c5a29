"""An organisation's independence and SME status: shown on its profile, edited by its people."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import ControlStatus
from app.core.access import signed_in
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.directory.forms import StatusForm
from app.directory.services import status as services
from app.directory.views import bp


def _filled(organisation) -> StatusForm:
    form = StatusForm(obj=organisation)
    if organisation.control_status == ControlStatus.UNDECLARED:
        form.control_status.data = None
    form.controller_identifier.data = (organisation.controller.identifier
                                       if organisation.controller else None)
    return form


@bp.route("/<int:organisation_id>/status", methods=["GET", "POST"])
@signed_in
def edit_status(organisation_id: int):
    organisation = services.own_organisation(organisation_id, by=current_user)
    form = StatusForm() if request.method == "POST" else _filled(organisation)
    if form.validate_on_submit():
        data = services.StatusData(
            control_status=form.control_status.data or ControlStatus.UNDECLARED,
            controller_identifier=form.controller_identifier.data,
            figures=form.sme_figures())
        with errors_shown_on(form):  # every refused figure goes next to its own field
            assessment = services.update_status(organisation_id, by=current_user, data=data)
            db.session.commit()
            flash(_("Status saved. SME status: %(status)s.", status=assessment.label), "success")
            return redirect(url_for("directory.detail", organisation_id=organisation_id))
    view = services.status_of(organisation_id)
    return render_template("directory/edit_status.html", form=form, organisation=organisation,
                           status=view)
