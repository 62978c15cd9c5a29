"""The firm's page: which advisers may see its applications, and what they did there."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.assistance.forms import GrantForm, RevokeForm
from app.assistance.services import access as services
from app.assistance.services.centres import all_advisers
from app.assistance.views import bp, spoken_languages
from app.assistance.views.centres import refuse
from app.core.access import requires
from app.core.errors import DomainError
from app.core.extensions import db


@bp.route("/access", methods=["GET", "POST"])
@requires(Role.applicant)
def access():
    form = GrantForm()
    advisers = all_advisers()
    not_given = _("languages not given")
    form.adviser_id.choices = [
        (a.id, f"{a.user.name} — {a.centre.organisation.name} "
               f"({spoken_languages(a.languages) or not_given})") for a in advisers]
    if form.validate_on_submit():
        try:
            services.grant_access(by=current_user, adviser_id=form.adviser_id.data,
                                  level=form.level.data)
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The adviser has access now; you can revoke it at any time."), "success")
            return redirect(url_for("assistance.access"))
    has_organisation = current_user.organisation_id is not None
    events = services.firm_audit(by=current_user, page=max(request.args.get(
        "page", 1, type=int), 1)) if has_organisation else None
    return render_template(
        "assistance/access.html", form=form, has_organisation=has_organisation,
        grants=services.grants_of_firm(by=current_user) if has_organisation else [],
        events=events, revoke_form=RevokeForm(formdata=None),
        acronyms=services.application_names([e.target_id for e in events.items])
        if events else {})


@bp.post("/access/<int:access_id>/revoke")
@requires(Role.applicant)
def revoke(access_id: int):
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            grant = services.revoke_access(access_id, by=current_user)
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
            flash(error.message, "danger")
        else:
            flash(_("%(name)s no longer has access.", name=grant.adviser.name), "success")
    return redirect(url_for("assistance.access"))
