"""The user's personal access tokens: create (the token is shown once), list, revoke."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.api.forms import RevokeForm, TokenForm
from app.api.services import tokens as services
from app.api.views import tokens_bp
from app.core.access import signed_in
from app.core.database import utcnow
from app.core.errors import DomainError
from app.core.extensions import db
from app.core.forms import attach_error


def _index(form: TokenForm, status: int = 200):
    return render_template("api/tokens.html", form=form, now=utcnow(),
                           tokens=services.list_tokens(by=current_user)), status


@tokens_bp.get("/")
@signed_in
def index():
    return _index(TokenForm())


@tokens_bp.post("/")
@signed_in
def create():
    form = TokenForm()
    if not form.validate_on_submit():
        return _index(form, 400)
    try:
        token, plain = services.create_token(by=current_user, name=form.name.data,
                                             scope=form.scope.data,
                                             expires_in_days=form.expires_in_days.data)
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _index(form, 400)
    db.session.commit()
    # Shown in this answer only: the database keeps its hash, so nobody can show it again.
    response = render_template("api/token_created.html", token=token, plain=plain)
    return response, 201, {"Cache-Control": "no-store"}


@tokens_bp.route("/<int:token_id>/revoke", methods=["GET", "POST"])
@signed_in
def revoke(token_id: int):
    token = services.get_own_token(token_id, by=current_user)
    form = RevokeForm()
    if form.validate_on_submit():
        services.revoke_token(token_id, by=current_user)
        db.session.commit()
        flash(_("Token “%(name)s” revoked: it no longer works.", name=token.name), "success")
        return redirect(url_for("api_tokens.index"))
    return render_template("api/revoke_token.html", token=token, form=form)
