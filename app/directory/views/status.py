"""An organisation's independence and SME status: shown on its profile, edited by its people."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.models import ControlStatus
from app.core.access import signed_in
from app.core.errors import DomainError
from app.core.extensions import db
from app.core.forms import attach_error
from app.directory.forms import StatusForm
from app.directory.services import status as services
from app.directory.views import bp


def _show_refusal(form: StatusForm, error: DomainError) -> None:
    """Every refused figure next to its own field (the service reports them all at once)."""
    for field, message in (getattr(error, "errors", None) or {error.field: error.message}).items():
        attach_error(form, DomainError(message, field=field))


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
        try:
            assessment = services.update_status(organisation_id, by=current_user, data=data)
        except DomainError as error:
            db.session.rollback()
            _show_refusal(form, error)
        else:
            db.session.commit()
            flash(f"Status saved. SME status: {assessment.label}.", "success")
            return redirect(url_for("directory.detail", organisation_id=organisation_id))
    view = services.status_of(organisation_id)
    return render_template("directory/edit_status.html", form=form, organisation=organisation,
                           status=view)
