"""The language switcher on every page: a signed-in user's choice is kept on the account
(so e-mails and PDFs follow it too), a visitor's in the session."""

from flask import redirect, session, url_for
from flask_babel import refresh
from flask_login import current_user

from app.accounts.forms import LanguageForm
from app.accounts.services.users import choose_language
from app.accounts.views import bp
from app.core.access import public
from app.core.extensions import db
from app.core.i18n import SESSION_KEY
from app.core.links import same_site_path


@bp.post("/language")
@public
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        session[SESSION_KEY] = form.language.data
        if current_user.is_authenticated:
            choose_language(current_user, form.language.data)
            db.session.commit()
        refresh()
    # An unknown language is ignored: the page the visitor was on comes back unchanged.
    return redirect(same_site_path(form.next.data) or url_for("system.home"))
