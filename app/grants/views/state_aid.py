"""De minimis declarations: an organisation's people declare the aid its undertaking received."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.core.access import requires
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.grants.forms import DeMinimisForm, WithdrawDeclarationForm
from app.grants.rules.state_aid import DE_MINIMIS_CEILING, de_minimis_headroom
from app.grants.services import state_aid
from app.grants.views import bp


def _today():
    return datetime.now(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])).date()


@bp.route("/de-minimis", methods=["GET", "POST"])
@requires(Role.applicant)
def de_minimis():
    if not current_user.organisation_id:  # declarations are made for one's organisation
        return render_template("grants/de_minimis.html", organisation=None)
    organisation = state_aid.own_organisation(current_user)
    form = DeMinimisForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            state_aid.add_declaration(by=current_user, granted_on=form.granted_on.data,
                                      grantor=form.grantor.data, amount=form.amount.data,
                                      today=_today())
            db.session.commit()
            flash(_("De minimis aid declared."), "success")
            return redirect(url_for("grants.de_minimis"))
    today = _today()
    return render_template(
        "grants/de_minimis.html", form=form, organisation=organisation, today=today,
        declarations=state_aid.declarations_of(organisation.id), ceiling=DE_MINIMIS_CEILING,
        headroom=de_minimis_headroom(state_aid.aid_received(organisation.id), today),
        withdraw_form=WithdrawDeclarationForm())


@bp.post("/de-minimis/<int:declaration_id>/withdraw")
@requires(Role.applicant)
def withdraw_de_minimis(declaration_id: int):
    form = WithdrawDeclarationForm()
    if form.validate_on_submit():
        state_aid.withdraw_declaration(declaration_id, by=current_user)
        db.session.commit()
        flash(_("Declaration withdrawn."), "success")
    return redirect(url_for("grants.de_minimis"))
