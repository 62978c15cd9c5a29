"""Bank-detail pages: a beneficiary enters an account, a finance officer confirms it."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.core.access import requires, signed_in
from app.core.errors import NotFound
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.grants.forms import BankAccountForm, BankDecisionForm
from app.grants.services import bank_accounts
from app.grants.services.permissions import get_grant
from app.grants.views import bp
from app.grants.views.step_up import step_up


def _visible_grant(grant_id: int):
    grant = get_grant(grant_id, by=current_user)
    if not bank_accounts.may_see(current_user, grant):
        raise NotFound(_("There is no such grant, or you may not see it."))
    return grant


@bp.get("/<int:grant_id>/bank-accounts")
@signed_in
def bank_accounts_page(grant_id: int):
    grant = _visible_grant(grant_id)
    return render_template(
        "grants/bank_accounts.html", grant=grant, accounts=bank_accounts.accounts_of(grant),
        may_enter={b.id: bank_accounts.may_enter(current_user, b) for b in grant.beneficiaries},
        is_finance=bank_accounts.is_finance(current_user, grant),
        decision_form=BankDecisionForm())


@bp.route("/beneficiaries/<int:beneficiary_id>/bank-account", methods=["GET", "POST"])
@requires(Role.applicant)
def enter_bank_account(beneficiary_id: int):
    beneficiary = bank_accounts.get_beneficiary(beneficiary_id, by=current_user)
    form = BankAccountForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            bank_accounts.request_change(beneficiary.id, by=current_user,
                                         holder=form.holder.data, iban=form.iban.data,
                                         bic=form.bic.data or "")
            db.session.commit()
            flash(_("Bank details sent: a finance officer of the funder confirms them before "
                  "any payment goes there."), "success")
            return redirect(url_for("grants.bank_accounts_page", grant_id=beneficiary.grant_id))
    elif not form.is_submitted():
        form.holder.data = beneficiary.organisation.name
    return render_template("grants/bank_account_form.html", form=form, beneficiary=beneficiary,
                           grant=beneficiary.grant,
                           accounts=bank_accounts.accounts_of(beneficiary.grant)
                           .get(beneficiary.id, {}))


@bp.post("/bank-accounts/<int:account_id>/decision")
@requires(Role.finance_officer)
@step_up
def decide_bank_account(account_id: int):
    form = BankDecisionForm()
    account = bank_accounts.decide_target(account_id, by=current_user)
    back = url_for("grants.bank_accounts_page", grant_id=account.beneficiary.grant_id)
    if not form.validate_on_submit():
        flash(_("Choose a decision and tick the box to confirm."), "danger")
        return redirect(back)
    with errors_shown_on(form):
        confirm = form.decision.data == "confirm"
        bank_accounts.decide_change(account.id, by=current_user, confirm=confirm)
        db.session.commit()
        flash(_("Bank details confirmed: payments go to this account.") if confirm
              else _("Bank details rejected."), "success")
    return redirect(back)


@bp.app_template_global("may_see_bank_accounts")
def may_see_bank_accounts(grant) -> bool:
    """For the grant page's link: only people who may see bank details get it."""
    return bank_accounts.may_see(current_user, grant)
