"""Adviser pages: the profile, the dashboard of the firms' applications, reading and editing
a firm's draft (as far as the firm allowed)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.applications.forms import ApplicationForm, BudgetLineForm
from app.applications.models import (
    APPLICATION_STATUS_LABELS,
    AdviserLevel,
    ApplicationStatus,
    ParticipantRole,
)
from app.applications.services import advisers as adviser_services
from app.applications.services.applications import ApplicationData, checklist
from app.applications.services.costs import BudgetLineData, ict_choices
from app.assistance.forms import ProfileForm
from app.assistance.rules.languages import LANGUAGES
from app.assistance.services import centres as services
from app.assistance.views import bp, language_name
from app.assistance.views.centres import refuse
from app.calls.rules.finance import COST_CATEGORY_LABELS, ICT_CATEGORY_LABELS
from app.core.access import requires
from app.core.errors import DomainError
from app.core.extensions import db


@bp.route("/profile", methods=["GET", "POST"])
@requires(Role.adviser)
def profile():
    adviser = services.my_profile(current_user)
    form = ProfileForm(obj=adviser if request.method == "GET" else None)
    form.languages.choices = sorted(((code, language_name(code)) for code in LANGUAGES),
                                    key=lambda pair: pair[1])
    form.call_ids.choices = [(c.id, f"{c.reference} — {c.title}")
                             for c in services.supportable_calls()]
    if request.method == "GET" and adviser is not None:
        form.topics.data = ", ".join(adviser.topics or ())
        form.call_ids.data = [c.id for c in adviser.calls]
    if adviser is not None and form.validate_on_submit():
        data = services.ProfileData(
            languages=tuple(form.languages.data), call_ids=tuple(form.call_ids.data or ()),
            topics=tuple((form.topics.data or "").split(",")), phone=form.phone.data or "")
        try:
            services.update_profile(by=current_user, data=data)
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("Your adviser profile is saved."), "success")
            return redirect(url_for("assistance.profile"))
    return render_template("assistance/profile.html", form=form, adviser=adviser)


@bp.get("/dashboard")
@requires(Role.adviser)
def dashboard():
    applications = adviser_services.list_advised_applications(
        by=current_user, page=max(request.args.get("page", 1, type=int), 1))
    return render_template("assistance/dashboard.html", applications=applications,
                           statuses=ApplicationStatus, status_labels=APPLICATION_STATUS_LABELS)


@bp.get("/applications/<int:application_id>")
@requires(Role.adviser)
def application(application_id: int):
    application, access, firm = adviser_services.view_application(application_id,
                                                                  by=current_user)
    db.session.commit()  # the firm sees that the adviser read it
    return render_template(
        "assistance/application.html", application=application, access=access, firm=firm,
        checklist=checklist(application), can_edit=access.level == AdviserLevel.EDIT
        and application.status == ApplicationStatus.DRAFT and application.call.is_open(),
        coordinates=firm.role == ParticipantRole.COORDINATOR,
        cost_labels=COST_CATEGORY_LABELS, ict_labels=ICT_CATEGORY_LABELS,
        status_labels=APPLICATION_STATUS_LABELS)


def _texts(form: ApplicationForm) -> ApplicationData:
    return ApplicationData(
        acronym=form.acronym.data.strip(), title=form.title.data.strip(),
        abstract=(form.abstract.data or "").strip(), duration_months=form.duration_months.data,
        strategic_area=form.strategic_area.data or None,
        ict_categories=tuple(form.ict_categories.data or ()))


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@requires(Role.adviser)
def edit(application_id: int):
    application, access, firm = adviser_services.view_application(application_id,
                                                                  by=current_user)
    form = ApplicationForm(obj=application if request.method == "GET" else None)
    form.set_choices(application.call)
    if hasattr(form, "bid_price"):
        del form.bid_price  # a tender's price is the firm's own commitment
    if request.method == "GET":
        form.version.data = application.version
        db.session.commit()
    if form.validate_on_submit():
        try:
            adviser_services.update_texts(application_id, by=current_user, data=_texts(form),
                                          expected_version=form.version.data)
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("Saved; %(name)s sees your change in its audit view.",
                    name=firm.organisation.name), "success")
            return redirect(url_for("assistance.application", application_id=application_id))
    return render_template("assistance/edit.html", form=form, application=application,
                           firm=firm)


@bp.route("/applications/<int:application_id>/lines/new", methods=["GET", "POST"])
@requires(Role.adviser)
def add_line(application_id: int):
    application, access, firm = adviser_services.view_application(application_id,
                                                                  by=current_user)
    form = BudgetLineForm()
    form.set_choices(ict_choices(application.call))
    if request.method == "GET":
        form.version.data = application.version
        db.session.commit()
    if form.validate_on_submit():
        data = BudgetLineData(category=form.category.data, ict_category=form.ict_category.data,
                              amount=form.amount.data, open_source=form.open_source.data,
                              description=form.description.data or "")
        try:
            adviser_services.add_line(application_id, by=current_user, data=data,
                                      expected_version=form.version.data)
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The budget line is added."), "success")
            return redirect(url_for("assistance.application", application_id=application_id))
    return render_template("assistance/line.html", form=form, application=application,
                           firm=firm)
