"""Grant pages: lists, preparation, acceptance, signature, the grant's page and its statement."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.accounts.models import Role
from app.calls.labels import ICT_CATEGORY_NAMES
from app.core.access import requires, signed_in
from app.core.charts import bar_chart
from app.core.database import utcnow
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.grants.forms import ConfirmForm, prepare_form_class
from app.grants.labels import INSTALLMENT_KIND_NAMES
from app.grants.rules.agreement import ict_plan
from app.grants.rules.lifecycle import GrantStatus
from app.grants.services import agreements, state_aid
from app.grants.services.agreement_document import agreement_document
from app.grants.services.budgets import application_budget, beneficiaries_of, plan_lines_of
from app.grants.services.listing import (
    attention_of,
    beneficiaries_and_plan_of,
    calls_of_visible_grants,
    list_grants,
)
from app.grants.services.permissions import (
    get_grant,
    get_grant_and_records,
    is_coordinator,
    visibility_of,
)
from app.grants.services.statements import payment_statement_pdf
from app.grants.services.tracking import grant_records, grant_timeline, grant_tracking
from app.grants.views import bp
from app.grants.views.amendments import amendments_panel

OFFICERS = (Role.programme_officer, Role.finance_officer, Role.admin)


@bp.app_template_filter("installment_kind")
def installment_kind(kind: str) -> str:
    return INSTALLMENT_KIND_NAMES.get(kind, kind)


def _page() -> int:
    return request.args.get("page", 1, type=int)


@bp.get("/")
@requires(*OFFICERS)
def index():
    call_id = request.args.get("call_id", type=int)
    status = request.args.get("status", "")
    visibility = visibility_of(current_user)  # once for the list and its calls
    grants = list_grants(by=current_user, call_id=call_id, status=status, page=_page(),
                         visibility=visibility)
    return render_template(
        "grants/index.html", grants=grants, attention=attention_of(grants.items),
        calls=calls_of_visible_grants(by=current_user, visibility=visibility), call_id=call_id,
        status=status, statuses=list(GrantStatus),
        awaiting=agreements.funded_without_grant(
            by=current_user, page=request.args.get("awaiting_page", 1, type=int)))


@bp.get("/mine")
@requires(Role.applicant)
def mine():
    grants = list_grants(by=current_user, page=_page())
    return render_template("grants/mine.html", grants=grants, attention=attention_of(grants.items))


@bp.route("/prepare/<int:application_id>", methods=["GET", "POST"])
@requires(Role.programme_officer)
def prepare(application_id: int):
    application = agreements.get_funded_application(application_id, by=current_user)
    participants = beneficiaries_of(application)
    budget = application_budget(application)
    form = prepare_form_class(participants)()
    if request.method == "GET":
        form.agreement_number.data = agreements.suggested_agreement_number(application)
        form.awarded_amount.data = budget.requested
    if form.validate_on_submit():
        terms = agreements.GrantTerms(
            agreement_number=form.agreement_number.data, awarded_amount=form.awarded_amount.data,
            start_date=form.start_date.data, end_date=form.end_date.data,
            beneficiary_amounts={str(p.id): form[f"beneficiary_{p.id}"].data
                                 for p in participants})
        with errors_shown_on(form):
            grant = agreements.prepare_grant(application.id, terms, by=current_user)
            db.session.commit()
            flash(_("Grant agreement %(number)s prepared; the coordinator was asked to accept "
                    "it.", number=grant.agreement_number), "success")
            return redirect(url_for("grants.detail", grant_id=grant.id))
    # De minimis aid is granted by the preparation: the headroom is today's (server time).
    headroom_on = utcnow().date()
    return render_template("grants/prepare.html", form=form, application=application,
                           participants=participants, budget=budget, headroom_on=headroom_on,
                           headrooms=state_aid.headrooms(participants, on=headroom_on,
                                                         application_id=application.id)
                           if application.call.de_minimis else {})


@bp.get("/<int:grant_id>")
@signed_in
def detail(grant_id: int):
    grant, records = get_grant_and_records(grant_id, by=current_user)
    claims, disbursements = grant_records(grant, has_claims=records.claims,
                                          has_payments=records.payments)
    beneficiaries = beneficiaries_and_plan_of(grant)  # grant.plan_lines too
    tracking = grant_tracking(grant, plan_lines=grant.plan_lines,
                              records=(claims, disbursements))
    plan_rows, plan_total = ict_plan(plan_lines_of(grant.plan_lines))
    codes = sorted(tracking.by_ict)
    chart = bar_chart(
        _("Plan, claims and payments by ICT category"),
        [str(ICT_CATEGORY_NAMES.get(code, code)) for code in codes],
        {_("Planned costs"): [tracking.by_ict[c].planned for c in codes],
         _("Claimed costs"): [tracking.by_ict[c].claimed for c in codes],
         _("Paid"): [tracking.by_ict[c].paid for c in codes]},
        currency=grant.call.currency) if codes else None
    can_accept = grant.status == GrantStatus.PREPARED and is_coordinator(current_user, grant)
    can_sign = (grant.status == GrantStatus.ACCEPTED
                and current_user.is_staff_of(grant.call.funder_id, Role.programme_officer))
    return render_template(
        "grants/detail.html", grant=grant, beneficiaries=beneficiaries, claims=claims,
        disbursements=disbursements, tracking=tracking, plan_rows=plan_rows,
        plan_total=plan_total, chart=chart,
        timeline=grant_timeline(grant, claims, disbursements),
        ict_labels=ICT_CATEGORY_NAMES, can_accept=can_accept, can_sign=can_sign,
        # The form (and its CSRF token) only where the page shows it.
        confirm_form=ConfirmForm() if can_accept or can_sign else None,
        is_coordinator=is_coordinator(current_user, grant),
        is_finance=current_user.is_staff_of(grant.call.funder_id, Role.finance_officer),
        amendments=amendments_panel(grant, current_user, any_amendment=records.amendments))


def _confirmed_action(grant_id: int, action, done):
    """`done`: the success message, with %(number)s for the agreement number."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm."), "danger")
        return redirect(url_for("grants.detail", grant_id=grant_id))
    grant = action(grant_id, by=current_user)
    db.session.commit()
    flash(done % {"number": grant.agreement_number}, "success")
    return redirect(url_for("grants.detail", grant_id=grant_id))


@bp.post("/<int:grant_id>/accept")
@requires(Role.applicant)
def accept(grant_id: int):
    return _confirmed_action(grant_id, agreements.accept_grant,
                             _l("You accepted grant agreement %(number)s."))


@bp.post("/<int:grant_id>/sign")
@requires(Role.programme_officer)
def sign(grant_id: int):
    return _confirmed_action(grant_id, agreements.sign_grant,
                             _l("Grant agreement %(number)s is signed; the pre-financing is "
                                "payable."))


@bp.get("/<int:grant_id>/statement.pdf")
@signed_in
def statement(grant_id: int):
    grant = get_grant(grant_id, by=current_user)
    pdf = payment_statement_pdf(grant)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="statement-{grant.agreement_number}.pdf"'})


@bp.get("/<int:grant_id>/agreement.pdf")
@signed_in
def agreement_pdf(grant_id: int):
    grant = get_grant(grant_id, by=current_user)
    pdf = agreement_document(grant)
    db.session.commit()  # the first download keeps the document it made
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="agreement-{grant.agreement_number}.pdf"'})
