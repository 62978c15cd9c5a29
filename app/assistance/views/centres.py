"""Assistance centres: the public list, the advisers of a call, and the admins' page."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import Organisation, Role
from app.assistance.forms import AdviserForm, CentreForm
from app.assistance.services import centres as services
from app.assistance.views import bp, spoken_languages
from app.core.access import public, requires
from app.core.errors import DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.core.forms import attach_error


def refuse(form, error: DomainError) -> None:
    if isinstance(error, NotFound | Forbidden):
        raise error
    db.session.rollback()
    attach_error(form, error)


@bp.get("/")
@public
def index():
    return render_template("assistance/index.html", centres=services.list_centres(),
                           language_names=spoken_languages)


@bp.get("/calls/<reference>")
@public
def call_advisers(reference: str):
    call, advisers = services.advisers_for_call(reference)
    return render_template("assistance/call_advisers.html", call=call, advisers=advisers,
                           language_names=spoken_languages)


@bp.route("/centres", methods=["GET", "POST"])
@requires(Role.admin)
def centres():
    centre_form, adviser_form = CentreForm(prefix="centre"), AdviserForm(prefix="adviser")
    centre_form.organisation_id.choices = [
        (o.id, f"{o.name} ({o.country})") for o in db.session.scalars(
            select(Organisation).order_by(Organisation.name))]
    existing = services.list_centres()
    adviser_form.centre_id.choices = [(c.id, c.organisation.name) for c in existing]
    if centre_form.submit.data and centre_form.validate_on_submit():
        try:
            services.create_centre(by=current_user,
                                   organisation_id=centre_form.organisation_id.data,
                                   services=centre_form.services.data or "")
            db.session.commit()
        except DomainError as error:
            refuse(centre_form, error)
        else:
            flash(_("The assistance centre is registered."), "success")
            return redirect(url_for("assistance.centres"))
    elif adviser_form.submit.data and adviser_form.validate_on_submit():
        try:
            services.add_adviser(by=current_user, centre_id=adviser_form.centre_id.data,
                                 email=adviser_form.email.data)
            db.session.commit()
        except DomainError as error:
            refuse(adviser_form, error)
        else:
            flash(_("The adviser is appointed."), "success")
            return redirect(url_for("assistance.centres"))
    return render_template("assistance/centres.html", centres=existing,
                           centre_form=centre_form, adviser_form=adviser_form,
                           language_names=spoken_languages)
