"""Payment batch pages: gather payable installments, download the SEPA file, mark executed."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts.models import Role
from app.core.access import requires
from app.core.extensions import db
from app.core.formatting import money
from app.core.forms import errors_shown_on
from app.grants.forms import DiscardBatchForm, ExecuteBatchForm, NewBatchForm
from app.grants.rules.lifecycle import BatchStatus
from app.grants.services import bank_accounts, batch_files, batches
from app.grants.views import bp
from app.grants.views.step_up import step_up


@bp.get("/batches")
@requires(Role.finance_officer)
def batches_page():
    return render_template(
        "grants/batches.html",
        batches=batches.list_batches(by=current_user, page=request.args.get("page", 1, type=int)),
        currencies=batches.payable_currencies(by=current_user),
        pending_accounts=bank_accounts.pending_for_funder(by=current_user),
        total_of=batches.total_of)


@bp.route("/batches/new", methods=["GET", "POST"])
@requires(Role.finance_officer)
def new_batch():
    currencies = batches.payable_currencies(by=current_user)
    currency = request.args.get("currency", "")
    if currency not in currencies:
        currency = currencies[0] if currencies else "EUR"
    candidates = batches.candidates(by=current_user, currency=currency)
    form = NewBatchForm()
    form.installment_ids.choices = [(c.installment.id, c.installment.grant.agreement_number)
                                    for c in candidates if c.batchable]
    if not form.is_submitted() and (last := batches.last_debtor_account(by=current_user)):
        form.debtor_holder.data = last.debtor_holder
        form.debtor_iban.data = last.debtor_iban
        form.debtor_bic.data = last.debtor_bic
    if form.validate_on_submit():
        with errors_shown_on(form):
            batch = batches.create_batch(
                by=current_user, currency=currency, installment_ids=form.installment_ids.data,
                execution_date=form.execution_date.data, debtor_holder=form.debtor_holder.data,
                debtor_iban=form.debtor_iban.data, debtor_bic=form.debtor_bic.data or "")
            db.session.commit()
            flash(_("Payment batch #%(number)s made: download its file for the bank.",
                    number=batch.id), "success")
            return redirect(url_for("grants.batch", batch_id=batch.id))
    return render_template("grants/batch_new.html", form=form, candidates=candidates,
                           currency=currency, currencies=currencies)


@bp.get("/batches/<int:batch_id>")
@requires(Role.finance_officer)
def batch(batch_id: int):
    found = batches.get_batch(batch_id, by=current_user)
    return _batch_page(found, ExecuteBatchForm())


def _batch_page(found, execute_form):
    transfers = batch_files.transfers_of(found)
    return render_template(
        "grants/batch.html", batch=found, transfers=transfers,
        total=batches.total_of(found), refusal=batch_files.file_refusal(found, transfers),
        execute_form=execute_form, discard_form=DiscardBatchForm(),
        is_open=found.status == BatchStatus.OPEN)


@bp.get("/batches/<int:batch_id>/sepa.xml")
@requires(Role.finance_officer)
def batch_file(batch_id: int):
    found, document = batch_files.sepa_file(batch_id, by=current_user)
    return Response(document, mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="payment-batch-{found.id}.xml"'})


@bp.post("/batches/<int:batch_id>/execute")
@requires(Role.finance_officer)
@step_up
def execute_batch(batch_id: int):
    found = batches.get_batch(batch_id, by=current_user)
    form = ExecuteBatchForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            executed = batches.execute_batch(found.id, by=current_user,
                                             bank_reference=form.bank_reference.data,
                                             value_date=form.value_date.data)
            db.session.commit()
            flash(ngettext("Payment batch #%(number)s executed: %(num)d payment of %(total)s "
                           "recorded.",
                           "Payment batch #%(number)s executed: %(num)d payments of %(total)s "
                           "recorded.", len(executed.items), number=executed.id,
                           total=money(batches.total_of(executed), executed.currency)),
                  "success")
            return redirect(url_for("grants.batch", batch_id=found.id))
        found = batches.get_batch(batch_id, by=current_user)
    return _batch_page(found, form), 422 if form.errors else 409


@bp.post("/batches/<int:batch_id>/discard")
@requires(Role.finance_officer)
def discard_batch(batch_id: int):
    found = batches.get_batch(batch_id, by=current_user)
    form = DiscardBatchForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm."), "danger")
        return redirect(url_for("grants.batch", batch_id=found.id))
    with errors_shown_on(form):
        batches.discard_batch(found.id, by=current_user)
        db.session.commit()
        flash(_("Payment batch #%(number)s discarded.", number=batch_id), "success")
        return redirect(url_for("grants.batches_page"))
    return redirect(url_for("grants.batch", batch_id=batch_id))
