"""Partner suggestions for a coordinator, "Ask to join", and the asked organisation's answer."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.routing import BuildError

from app.calls.labels import ICT_CATEGORY_NAMES
from app.core.access import signed_in
from app.core.classifications import FORD_FIELDS
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.directory.forms import AnswerForm, AskToJoinForm
from app.directory.labels import CHECK_NAMES
from app.directory.models import ContactRequestStatus
from app.directory.services import contact
from app.directory.services.profiles import get_organisation
from app.directory.services.suggestions import coordinated_application, suggestions_for
from app.directory.views import bp


def _application_url(application_id: int) -> str | None:
    """The application's own page (the applications package's), when it is installed."""
    try:
        return url_for("applications.detail", application_id=application_id)
    except BuildError:
        return None


def _now(labels: dict) -> dict:
    """Lazy labels translated once for the page (each card repeats them), as trusted text, as
    a lazy label is in a template."""
    return {code: Markup(str(label)) for code, label in labels.items()}


@bp.get("/suggestions/<int:application_id>")
@signed_in
def suggestions(application_id: int):
    page = suggestions_for(application_id, by=current_user)
    return render_template(
        "directory/suggestions.html", page=page, application=page.application,
        application_url=_application_url(application_id),
        result=page.result, check_labels=_now(CHECK_NAMES), ford=FORD_FIELDS,
        ict_labels=_now(ICT_CATEGORY_NAMES),
        sent_today=contact.sent_in_last_day(current_user), daily_limit=contact.daily_limit(),
        statuses=ContactRequestStatus)


@bp.route("/suggestions/<int:application_id>/ask/<int:organisation_id>",
          methods=["GET", "POST"])
@signed_in
def ask_to_join(application_id: int, organisation_id: int):
    application = coordinated_application(application_id, by=current_user)
    organisation = get_organisation(organisation_id)
    form = AskToJoinForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            contact.ask_to_join(application_id, organisation_id, by=current_user,
                                note=form.note.data)
            db.session.commit()
            flash(_("Your request is on its way to %(organisation)s. You will get an e-mail "
                    "when they answer.", organisation=organisation.name), "success")
            return redirect(url_for("directory.suggestions", application_id=application_id))
    return render_template("directory/ask_to_join.html", form=form, application=application,
                           organisation=organisation,
                           sent_today=contact.sent_in_last_day(current_user),
                           daily_limit=contact.daily_limit())


@bp.route("/requests/<token>", methods=["GET", "POST"])
@signed_in
def contact_request(token: str):
    request_ = contact.read_contact_request(token, by=current_user)
    form = AnswerForm()
    if form.validate_on_submit():
        accept = bool(form.accept.data)
        contact.answer_contact_request(token, by=current_user, accept=accept)
        db.session.commit()
        flash(_("Thank you: we sent you the coordinator's invitation by e-mail. Open it to "
                "join the consortium.") if accept else
              _("Thank you: we told the coordinator you declined."), "success")
        return redirect(url_for("directory.contact_request", token=token))
    return render_template("directory/contact_request.html", form=form, request_=request_,
                           statuses=ContactRequestStatus)
