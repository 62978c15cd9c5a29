"""Payment pages: execute an installment once, cancel a payment with a reversing record."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Role
from app.core.access import requires
from app.core.errors import DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.core.formatting import money
from app.core.forms import attach_error
from app.grants.forms import PaymentForm, ReverseForm
from app.grants.rules.lifecycle import InstallmentStatus
from app.grants.services import disbursements
from app.grants.services.permissions import get_grant, is_funder_staff, require
from app.grants.views import bp


def _finance_grant(grant_id: int):
    grant = get_grant(grant_id, by=current_user)
    require(is_funder_staff(current_user, grant.call, Role.finance_officer),
            "Only a finance officer of the funder executes payments.")
    return grant


REPLAYED = object()  # another request with the same one-time key recorded it first


def _record_once(record, key: str, form):
    """Run `record()` (a payment or a cancellation) at most once per one-time form key.

    Returns the service's result, REPLAYED when a racing request with the same key won,
    or None when the form must be shown again with the error next to its field."""
    try:
        result = record()
        db.session.commit()
        return result
    except IntegrityError:
        db.session.rollback()
        if disbursements.find_by_key(key) is None:
            raise
        return REPLAYED
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, NotFound | Forbidden):
            raise
        attach_error(form, error)
        return None


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
        result = _record_once(lambda: disbursements.execute_installment(
            installment.id, by=current_user, value_date=form.value_date.data,
            bank_reference=form.bank_reference.data, idempotency_key=key), key, form)
        if result is None:
            return render_template("grants/pay.html", form=form, grant=grant,
                                   installment=installment)
        if result is REPLAYED or result.replayed:
            flash("This payment was already recorded; nothing was paid twice.", "info")
        else:
            amount = money(result.disbursement.amount, grant.call.currency)
            flash(f"Payment of {amount} recorded.", "success")
        return redirect(url_for("grants.detail", grant_id=grant.id, _anchor="payments"))
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
        result = _record_once(lambda: disbursements.reverse_disbursement(
            original.id, by=current_user, reason=form.reason.data,
            value_date=form.value_date.data, idempotency_key=key), key, form)
        if result is None:
            return render_template("grants/reverse.html", form=form, grant=grant,
                                   original=original)
        flash("This cancellation was already recorded."
              if result is REPLAYED or result.replayed
              else "Payment cancelled; the installment can be paid again.", "info")
        return redirect(url_for("grants.detail", grant_id=grant.id, _anchor="payments"))
    return render_template("grants/reverse.html", form=form, grant=grant, original=original)
