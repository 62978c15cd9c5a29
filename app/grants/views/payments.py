"""Payment pages: execute an installment once, cancel a payment with a reversing record."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.core.access import requires
from app.core.extensions import db
from app.core.formatting import money
from app.core.forms import errors_shown_on
from app.grants.forms import PaymentForm, ReverseForm
from app.grants.rules.lifecycle import InstallmentStatus
from app.grants.services import disbursements
from app.grants.services.permissions import get_grant, require
from app.grants.views import bp


def _finance_grant(grant_id: int):
    grant = get_grant(grant_id, by=current_user)
    require(current_user.is_staff_of(grant.call.funder_id, Role.finance_officer),
            "Only a finance officer of the funder executes payments.")
    return grant


@bp.route("/installments/<int:installment_id>/pay", methods=["GET", "POST"])
@requires(Role.finance_officer)
def pay(installment_id: int):
    installment = disbursements.get_installment(installment_id, by=current_user)
    grant = _finance_grant(installment.grant_id)
    form = PaymentForm()
    if not form.is_submitted():
        form.idempotency_key.data = disbursements.new_idempotency_key()
    if form.validate_on_submit():
        key = form.idempotency_key.data
        with errors_shown_on(form):
            result = disbursements.recorded_once(lambda: disbursements.execute_installment(
                installment.id, by=current_user, value_date=form.value_date.data,
                bank_reference=form.bank_reference.data, idempotency_key=key), key)
            db.session.commit()
            if result.replayed:
                flash(_("This payment was already recorded; nothing was paid twice."), "info")
            else:
                amount = money(result.disbursement.amount, grant.call.currency)
                flash(_("Payment of %(amount)s recorded.", amount=amount), "success")
            return redirect(url_for("grants.detail", grant_id=grant.id, _anchor="payments"))
        return render_template("grants/pay.html", form=form, grant=grant,
                               installment=installment)
    return render_template("grants/pay.html", form=form, grant=grant, installment=installment,
                           payable=installment.status == InstallmentStatus.PAYABLE)


@bp.route("/disbursements/<int:disbursement_id>/reverse", methods=["GET", "POST"])
@requires(Role.finance_officer)
def reverse(disbursement_id: int):
    original = disbursements.get_disbursement(disbursement_id, by=current_user)
    grant = _finance_grant(original.grant_id)
    form = ReverseForm()
    if not form.is_submitted():
        form.idempotency_key.data = disbursements.new_idempotency_key()
    if form.validate_on_submit():
        key = form.idempotency_key.data
        with errors_shown_on(form):
            result = disbursements.recorded_once(lambda: disbursements.reverse_disbursement(
                original.id, by=current_user, reason=form.reason.data,
                value_date=form.value_date.data, idempotency_key=key), key)
            db.session.commit()
            flash(_("This cancellation was already recorded.") if result.replayed
                  else _("Payment cancelled; the installment can be paid again."), "info")
            return redirect(url_for("grants.detail", grant_id=grant.id, _anchor="payments"))
        return render_template("grants/reverse.html", form=form, grant=grant,
                               original=original)
    return render_template("grants/reverse.html", form=form, grant=grant, original=original)
