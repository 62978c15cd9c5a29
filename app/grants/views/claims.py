"""Claim pages: open a claim, add lines and PDFs, submit; the finance officer's decision."""

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.calls.labels import COST_CATEGORY_NAMES, ICT_CATEGORY_NAMES
from app.core import storage
from app.core.access import requires, signed_in
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.grants.forms import (
    ClaimDocumentForm,
    ClaimLineForm,
    DecisionForm,
    OpenClaimForm,
    SubmitClaimForm,
)
from app.grants.rules.lifecycle import ClaimStatus
from app.grants.services import claims
from app.grants.services.permissions import get_grant, is_coordinator
from app.grants.views import bp


@bp.route("/<int:grant_id>/claims/new", methods=["GET", "POST"])
@requires(Role.applicant)
def new_claim(grant_id: int):
    grant = get_grant(grant_id, by=current_user)
    form = OpenClaimForm()
    periods = claims.periods_of(grant)
    form.period.choices = [
        (p.number, _("Period %(number)s: %(start)s to %(end)s (final)", number=p.number,
                     start=p.start.isoformat(), end=p.end.isoformat()) if p.is_final
         else _("Period %(number)s: %(start)s to %(end)s", number=p.number,
                start=p.start.isoformat(), end=p.end.isoformat())) for p in periods]
    if form.validate_on_submit():
        with errors_shown_on(form):
            claim = claims.open_claim(grant.id, by=current_user, period=form.period.data)
            db.session.commit()
            flash(_("Claim started: add its cost lines and supporting PDFs, then submit it."),
                  "success")
            return redirect(url_for("grants.claim", claim_id=claim.id))
    return render_template("grants/claim_new.html", grant=grant, form=form)


def _claim_page(claim_id: int, **forms):
    claim = claims.get_claim(claim_id, by=current_user)
    grant = claim.grant
    coordinator = is_coordinator(current_user, grant)
    finance = current_user.is_staff_of(grant.call.funder_id, Role.finance_officer)
    line_form = forms.get("line_form") or ClaimLineForm(formdata=None)
    line_form.beneficiary_id.choices = [(b.id, b.organisation.name) for b in grant.beneficiaries]
    preview = None
    if finance and claim.status == ClaimStatus.SUBMITTED:
        preview = claims.assess_claim(claim)
    return render_template(
        "grants/claim.html", claim=claim, grant=grant, coordinator=coordinator, finance=finance,
        editable=coordinator and claim.status == ClaimStatus.DRAFT, preview=preview,
        line_form=line_form,
        document_form=forms.get("document_form") or ClaimDocumentForm(formdata=None),
        submit_form=forms.get("submit_form") or SubmitClaimForm(formdata=None),
        decision_form=forms.get("decision_form") or DecisionForm(formdata=None),
        cost_labels=COST_CATEGORY_NAMES, ict_labels=ICT_CATEGORY_NAMES)


@bp.get("/claims/<int:claim_id>")
@signed_in
def claim(claim_id: int):
    return _claim_page(claim_id)


@bp.post("/claims/<int:claim_id>/lines")
@requires(Role.applicant)
def add_line(claim_id: int):
    record = claims.get_claim(claim_id, by=current_user)
    form = ClaimLineForm()
    form.beneficiary_id.choices = [(b.id, b.organisation.name) for b in record.grant.beneficiaries]
    if form.validate_on_submit():
        with errors_shown_on(form):
            claims.add_claim_line(
                claim_id, by=current_user, beneficiary_id=form.beneficiary_id.data,
                category=form.category.data, ict_category=form.ict_category.data,
                amount=form.amount.data, description=form.description.data or "")
            db.session.commit()
            flash(_("Line added."), "success")
            return redirect(url_for("grants.claim", claim_id=claim_id))
    return _claim_page(claim_id, line_form=form)


@bp.post("/claims/<int:claim_id>/lines/<int:line_id>/delete")
@requires(Role.applicant)
def remove_line(claim_id: int, line_id: int):
    claims.remove_claim_line(claim_id, line_id, by=current_user)
    db.session.commit()
    flash(_("Line removed."), "success")
    return redirect(url_for("grants.claim", claim_id=claim_id))


@bp.post("/claims/<int:claim_id>/documents")
@requires(Role.applicant)
def upload_document(claim_id: int):
    form = ClaimDocumentForm()
    if form.validate_on_submit():
        upload = form.document.data
        with errors_shown_on(form):
            claims.add_claim_document(claim_id, by=current_user, filename=upload.filename or "",
                                      data=upload.read())
            db.session.commit()
            flash(_("Document attached."), "success")
            return redirect(url_for("grants.claim", claim_id=claim_id))
    return _claim_page(claim_id, document_form=form)


@bp.get("/claims/<int:claim_id>/documents/<int:document_id>")
@signed_in
def claim_document(claim_id: int, document_id: int):
    document = claims.get_claim_document(claim_id, document_id, by=current_user)
    return send_file(storage.path_for(document.storage_key), mimetype="application/pdf",
                     as_attachment=True, download_name=document.filename)


@bp.post("/claims/<int:claim_id>/submit")
@requires(Role.applicant)
def submit_claim(claim_id: int):
    form = SubmitClaimForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            claims.submit_claim(claim_id, by=current_user)
            db.session.commit()
            flash(_("Claim submitted to the funder's finance officers."), "success")
            return redirect(url_for("grants.claim", claim_id=claim_id))
    return _claim_page(claim_id, submit_form=form)


@bp.post("/claims/<int:claim_id>/decision")
@requires(Role.finance_officer)
def decide(claim_id: int):
    form = DecisionForm()
    if form.validate_on_submit():
        approve = form.decision.data != "reject"
        amount = form.amount.data if form.decision.data == "approve_partly" else None
        if form.decision.data == "approve_partly" and amount is None:
            form.amount.errors = [*form.amount.errors, _("Enter the amount to pay.")]
            return _claim_page(claim_id, decision_form=form)
        with errors_shown_on(form):
            decided = claims.decide_claim(claim_id, by=current_user, approve=approve,
                                          amount=amount, reason=form.reason.data or "")
            db.session.commit()
            flash(_("Claim approved.") if decided.status == "approved" else _("Claim rejected."),
                  "success")
            return redirect(url_for("grants.claim", claim_id=claim_id))
    return _claim_page(claim_id, decision_form=form)
