"""The administrator's open-data screen: last runs and their errors, funders' identities."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.core.access import requires
from app.core.errors import DomainError
from app.core.extensions import db
from app.core.forms import attach_error
from app.opendata.forms import IdentityForm, PublishForm
from app.opendata.services.identities import get_identity, list_funder_identities, set_identity
from app.opendata.services.publication import dataset_states, request_publication
from app.opendata.views import bp


@bp.get("/admin")
@requires(Role.admin)
def admin():
    return render_template("opendata/admin.html", states=dataset_states(), form=PublishForm(),
                           funders=list_funder_identities(by=current_user))


@bp.post("/admin/publish")
@requires(Role.admin)
def publish():
    form = PublishForm()
    if not form.validate_on_submit():
        return render_template("opendata/admin.html", states=dataset_states(), form=form,
                               funders=list_funder_identities(by=current_user)), 400
    job = request_publication(by=current_user)
    db.session.commit()
    flash(_("Publication started (job %(job)s). Refresh this page to see its outcome.",
            job=job.id), "info")
    return redirect(url_for("opendata.admin"))


@bp.route("/admin/funders/<int:funder_id>", methods=["GET", "POST"])
@requires(Role.admin)
def funder_identity(funder_id: int):
    row = get_identity(funder_id, by=current_user)
    form = IdentityForm(obj=row.identity)
    if form.validate_on_submit():
        try:
            set_identity(funder_id, by=current_user, grant_prefix=form.grant_prefix.data,
                         org_id=form.org_id.data)
            db.session.commit()
            flash(_("Open-data identity of %(name)s saved.", name=row.funder.name), "success")
            return redirect(url_for("opendata.admin"))
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
    return render_template("opendata/identity.html", form=form, funder=row.funder)


@bp.cli.command("publish")
def publish_command():
    """Publish both open-data files now (e.g. nightly from cron): `flask opendata publish`."""
    from app.opendata.services.publication import publish_all

    for done in publish_all(by=None):
        db.session.commit()
        print(f"{done.kind}: {done.status}, {done.item_count} items, "
              f"{done.error_count} schema errors")
        for error in done.errors[:10]:
            print(f"  {error}")
