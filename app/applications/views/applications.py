"""Application pages: my applications, starting one, its page with the live checklist, editing."""

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.accounts.models import Role
from app.applications import models  # noqa: F401  (models: registers the tables)
from app.applications.forms import ApplicationForm, AttachmentForm, SubmitForm
from app.applications.models import (
    APPLICATION_STATUS_LABELS,
    Application,
    ApplicationStatus,
    ParticipantRole,
)
from app.applications.services import applications as services  # noqa: F401  (models: registers the tables)
from app.applications.services.application_page import application_for_page
from app.applications.services.attachments import max_bytes, required_documents
from app.applications.services.changes import has_unsubmitted_changes
from app.applications.views import bp
from app.calls.labels import COST_CATEGORY_NAMES, ICT_CATEGORY_NAMES
from app.calls.rules.finance import validate_amount
from app.core.access import requires
from app.core.classifications import FORD_FIELDS, ORG_TYPE_LABELS
from app.core.extensions import db
from app.core.formatting import country_name, local_datetime, money, percent
from app.core.forms import errors_shown_on


def page_number() -> int:
    return request.args.get("page", 1, type=int)


def template_context() -> dict:
    return {"cost_labels": COST_CATEGORY_NAMES, "ict_labels": ICT_CATEGORY_NAMES,
            "statuses": ApplicationStatus, "roles": ParticipantRole,
            "status_labels": APPLICATION_STATUS_LABELS}


def status_names(rows) -> dict[str, str]:
    """The labels of the statuses the rows have, each translated once a page, not per row."""
    return {status: str(APPLICATION_STATUS_LABELS.get(status, status))
            for status in {row.status for row in rows}}


@bp.get("/")
@requires(Role.applicant)
def mine():
    applications = services.my_applications_page(by=current_user, page=page_number())
    # Formatted once per call, not per row: a user's consortia are in a few calls.
    deadlines = {(row.closes_at, row.timezone): local_datetime(row.closes_at, row.timezone)
                 for row in applications.items}
    return render_template("applications/mine.html", applications=applications,
                           deadlines=deadlines, status_names=status_names(applications.items),
                           **template_context(),
                           detail_prefix=url_for("applications.detail",
                                                 application_id=0).removesuffix("0"))


def _application_data(form: ApplicationForm) -> services.ApplicationData:
    bid = getattr(form, "bid_price", None)
    bid_amount = validate_amount(bid.data) if bid is not None and bid.data is not None else None
    return services.ApplicationData(
        acronym=form.acronym.data.strip(), title=form.title.data.strip(),
        abstract=(form.abstract.data or "").strip(), duration_months=form.duration_months.data,
        strategic_area=form.strategic_area.data or None,
        ict_categories=tuple(form.ict_categories.data or ()), bid_price_amount=bid_amount)


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.applicant)
def new():
    reference = request.args.get("call", "").strip()
    if not reference:
        return render_template("applications/choose_call.html",
                               calls=services.list_open_calls())
    call = services.get_open_call(reference)
    form = ApplicationForm()
    form.set_choices(call)
    if form.validate_on_submit():
        with errors_shown_on(form):
            application = services.start_application(by=current_user, call_reference=reference,
                                                     data=_application_data(form))
            db.session.commit()
            flash(_("Your application is started. Invite your partners next."), "success")
            return redirect(url_for("applications.detail", application_id=application.id))
    return render_template("applications/new.html", form=form, call=call)


def _label(labels: dict, code):
    # Markup, as the lazy labels' own __html__ gave them to the template; a code without a
    # label is shown as itself, escaped.
    label = labels.get(code)
    return code if label is None else Markup(str(label))


def participant_texts(application) -> dict:
    """Each country, organisation type, field of science and role of the consortium named once
    a page, and each amount and rate of its budget written once: not once a participant."""
    organisations = [p.organisation for p in application.participants if p.organisation]
    fields = {code for p in application.participants for code in p.fields_of_science or ()}
    return {
        "country_names": {code: country_name(code) for code in {o.country for o in organisations}},
        "org_type_names": {code: _label(ORG_TYPE_LABELS, code)
                           for code in {o.org_type for o in organisations}},
        "ford_names": {code: _label(FORD_FIELDS, code) for code in fields},
        "role_labels": {role: Markup(str(ParticipantRole(role).label))
                        for role in {p.role for p in application.participants}},
    }


def budget_texts(budget, currency: str) -> dict:
    """Equal amounts (and rates) read the same, so each is formatted once a page."""
    amounts = {budget.direct, budget.indirect, budget.eligible, budget.requested}
    for part in budget.participants.values():
        amounts.update((part.direct, part.indirect, part.eligible, part.requested))
    rates = {part.funding_rate for part in budget.participants.values()}
    return {"amount_texts": {amount: money(amount, currency) for amount in amounts},
            "rate_texts": {rate: percent(rate, 0) for rate in rates}}


def detail_page(application: Application, *, submit_form: SubmitForm | None = None,
                upload_form: AttachmentForm | None = None,
                problems: list[str] | None = None, status: int = 200):
    participant = services.membership(application, current_user)
    checklist = services.checklist(application)
    editable = application.call.is_open() and application.status in services.EDITABLE_STATUSES
    is_coordinator = participant.role == ParticipantRole.COORDINATOR
    # The forms are built only when the page shows them (not once the call has closed).
    if submit_form is None and is_coordinator and editable:
        submit_form = SubmitForm(formdata=None)
    if submit_form is not None:
        submit_form.version.data = application.version
        submit_form.new_key()
    if upload_form is None and editable:
        upload_form = AttachmentForm(formdata=None)
    if upload_form is not None:
        upload_form.kind.choices = [(item["code"], item["name"]) for item in
                                    application.call.required_attachments or []]
        upload_form.version.data = application.version
    return render_template(
        "applications/detail.html", application=application, call=application.call,
        me=participant, is_coordinator=is_coordinator,
        checklist=checklist, documents=required_documents(application),
        submit_form=submit_form, upload_form=upload_form, problems=problems or [],
        editable=editable, max_megabytes=max_bytes() // (1024 * 1024),
        total_requested=checklist.budget.requested or Decimal("0.00"),
        unsubmitted_changes=has_unsubmitted_changes(application, checklist),
        **participant_texts(application),
        **budget_texts(checklist.budget, application.call.currency),
        **template_context()), status


@bp.get("/<int:application_id>")
@requires(Role.applicant)
def detail(application_id: int):
    # Plain rows: the page only shows the application (the POSTs that fail show ORM objects).
    return detail_page(application_for_page(application_id, by=current_user))


@bp.route("/<int:application_id>/edit", methods=["GET", "POST"])
@requires(Role.applicant)
def edit(application_id: int):
    application = services.get_application(application_id, by=current_user)
    services.require_coordinator(application, current_user)
    form = ApplicationForm(obj=application if request.method == "GET" else None)
    form.set_choices(application.call)
    if request.method == "GET":
        form.version.data = application.version
        if hasattr(form, "bid_price") and application.bid_price_amount is not None:
            form.bid_price.data = str(application.bid_price_amount)
    if form.validate_on_submit():
        with errors_shown_on(form, refresh_version_from=application):
            services.update_application(application_id, by=current_user,
                                        data=_application_data(form),
                                        expected_version=form.version.data)
            db.session.commit()
            flash(_("Saved; the checklist is up to date."), "success")
            return redirect(url_for("applications.detail", application_id=application_id))
    return render_template("applications/edit.html", form=form, application=application,
                           call=application.call)
