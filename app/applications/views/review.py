"""Officer pages: the call's submitted applications, one application's report, the decision."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.applications.forms import EligibilityDecisionForm
from app.applications.models import APPLICATION_STATUS_LABELS
from app.applications.services import review
from app.applications.views import bp
from app.applications.views.applications import page_number, status_names, template_context
from app.core.access import requires
from app.core.extensions import db
from app.core.formatting import local_datetime
from app.core.forms import errors_shown_on

OFFICERS = (Role.programme_officer, Role.admin)


@bp.get("/call/<reference>")
@requires(*OFFICERS)
def call_applications(reference: str):
    call = review.get_call_for_officer(reference, by=current_user)
    status = request.args.get("status", "").strip() or None
    sort = request.args.get("sort", "submitted")
    applications = review.screening_page(call, status=status, sort=sort, page=page_number())
    # Formatted once per distinct value, not per row: submissions often share their minute.
    submitted = {when: local_datetime(when, call.timezone, "short")
                 for when in {row.submitted_at for row in applications.items}}
    return render_template("applications/call_applications.html", call=call,
                           applications=applications, submitted=submitted, status=status,
                           sort=sort, status_choices=review.OFFICER_STATUSES,
                           sort_labels=review.SORT_LABELS, **template_context(),
                           # One url_for for the page, not one per row.
                           review_prefix=url_for("applications.review_application",
                                                 application_id=0).removesuffix("0/review"),
                           status_names=status_names(applications.items))


@bp.route("/<int:application_id>/review", methods=["GET", "POST"])
@requires(*OFFICERS)
def review_application(application_id: int):
    application, latest = review.get_for_officer(application_id, by=current_user)
    form = EligibilityDecisionForm()
    if request.method == "GET":
        form.version.data = application.version
    if form.validate_on_submit():
        with errors_shown_on(form):
            review.decide_eligibility(application_id, by=current_user,
                                      eligible=form.decision.data == "eligible",
                                      reason=form.reason.data,
                                      expected_version=form.version.data)
            db.session.commit()
            flash(_("%(acronym)s is marked %(status)s.", acronym=application.acronym,
                    status=str(APPLICATION_STATUS_LABELS[application.status]).lower()),
                  "success")
            return redirect(url_for("applications.call_applications",
                                    reference=application.call.reference))
    return render_template("applications/review_application.html", application=application,
                           call=application.call, submission=latest,
                           snapshot=latest.snapshot, form=form, **template_context())
