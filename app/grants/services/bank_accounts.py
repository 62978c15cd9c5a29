"""Beneficiaries' bank accounts: entered by the beneficiary, in force once a finance officer
confirms them (dual confirmation), so that no single person can redirect a payment.

A change is checked with schwifty (sepa.checked_account) when it is entered, waits as
*pending* — seen by the coordinator, the beneficiary and the funder's finance officers —
and only a finance officer who did not enter it can confirm it. Both steps hold the grant's
row lock and the database keeps one pending and one confirmed account per beneficiary.
"""

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.accounts.models import Role, User
from app.calls.models import Call
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.extensions import db
from app.core.links import public_url
from app.core.mail import send_mail
from app.grants.models import BankAccount, Grant, GrantBeneficiary
from app.grants.rules.lifecycle import BankAccountStatus
from app.grants.services.languages import language_of
from app.grants.services.permissions import get_grant, is_coordinator, require
from app.grants.services.sepa import checked_account


def masked(iban: str) -> str:
    """What the audit trail and e-mails keep of an IBAN: its country and last four digits."""
    return f"{iban[:2]}…{iban[-4:]}"


def may_enter(user: User, beneficiary: GrantBeneficiary) -> bool:
    """The beneficiary's own contact person, or the grant's coordinator."""
    return (beneficiary.participant.contact_user_id == user.id
            or is_coordinator(user, beneficiary.grant))


def is_finance(user: User, grant: Grant) -> bool:
    return user.is_staff_of(grant.call.funder_id, Role.finance_officer)


def may_see(user: User, grant: Grant) -> bool:
    """Bank details are for the funder's finance officers and the consortium's people with
    a say on them: programme officers, advisers and admins never see them."""
    return is_finance(user, grant) or is_coordinator(user, grant) or any(
        b.participant.contact_user_id == user.id for b in grant.beneficiaries)


def get_beneficiary(beneficiary_id: int, *, by: User) -> GrantBeneficiary:
    beneficiary = db.session.get(GrantBeneficiary, beneficiary_id)
    if beneficiary is None:
        raise NotFound(_("There is no such beneficiary, or you may not see it."))
    grant = get_grant(beneficiary.grant_id, by=by)
    if not may_see(by, grant):
        raise NotFound(_("There is no such beneficiary, or you may not see it."))
    return beneficiary


def accounts_of(grant: Grant) -> dict[int, dict[str, BankAccount]]:
    """Beneficiary id -> {"confirmed": account, "pending": account} (each may be missing)."""
    rows = db.session.scalars(select(BankAccount).join(GrantBeneficiary).where(
        GrantBeneficiary.grant_id == grant.id,
        BankAccount.status.in_((BankAccountStatus.CONFIRMED, BankAccountStatus.PENDING)))
        .options(selectinload(BankAccount.requested_by)))
    found: dict[int, dict[str, BankAccount]] = {}
    for account in rows:
        found.setdefault(account.beneficiary_id, {})[account.status] = account
    return found


def confirmed_accounts(beneficiary_ids) -> dict[int, BankAccount]:
    """Beneficiary id -> the account its payments go to (only beneficiaries that have one)."""
    rows = db.session.scalars(select(BankAccount).where(
        BankAccount.beneficiary_id.in_(list(beneficiary_ids)),
        BankAccount.status == BankAccountStatus.CONFIRMED))
    return {account.beneficiary_id: account for account in rows}


def pending_for_funder(*, by: User) -> list[BankAccount]:
    """Changes waiting for a finance officer of `by`'s funder, oldest first."""
    if not by.is_staff_of(by.funder_id, Role.finance_officer):
        return []
    return list(db.session.scalars(
        select(BankAccount).join(GrantBeneficiary).join(Grant).join(Call)
        .where(Call.funder_id == by.funder_id, BankAccount.status == BankAccountStatus.PENDING)
        .order_by(BankAccount.requested_at)
        .options(selectinload(BankAccount.beneficiary).selectinload(GrantBeneficiary.grant),
                 selectinload(BankAccount.beneficiary)
                 .selectinload(GrantBeneficiary.organisation))))


def _conditional(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _tell(grant: Grant, beneficiary: GrantBeneficiary, message, *, finance: bool) -> None:
    """Everyone who must see a change: the coordinator, the beneficiary, and on a request
    the funder's finance officers, who confirm it. `message()` gives the subject and text;
    it is called once per person, in that person's language."""
    link = public_url("grants.bank_accounts_page", grant_id=grant.id)
    people = {grant.application.created_by.email: grant.application.created_by}
    if beneficiary.participant.contact_user is not None:  # a member may have no contact
        contact = beneficiary.participant.contact_user
        people[contact.email] = contact
    if finance:
        officers = db.session.scalars(select(User).where(
            User.funder_id == grant.call.funder_id, User.is_active_account.is_(True)))
        people.update({o.email: o for o in officers if is_finance(o, grant)})
    for email in sorted(people):
        with language_of(people[email]):
            subject, text = message()
            send_mail(email, subject, f"{text}\n\n{link}")


def request_change(beneficiary_id: int, *, by: User, holder: str, iban: str,
                   bic: str = "") -> BankAccount:
    """Enter a new account for a beneficiary; it waits for a finance officer's confirmation.

    A change entered while another waits replaces that one (withdrawn): the latest entry
    is the one the finance officer decides on.
    """
    beneficiary = get_beneficiary(beneficiary_id, by=by)
    require(may_enter(by, beneficiary),
            _("Only the beneficiary's contact person or the coordinator enters bank details."))
    account = checked_account(holder, iban, bic)
    grant = get_grant(beneficiary.grant_id, by=by, for_update=True)
    current = confirmed_accounts([beneficiary.id]).get(beneficiary.id)
    if current is not None and (current.iban, current.bic, current.holder) == (
            account.iban, account.bic, account.holder):
        raise DomainError(_("This is already the confirmed account."), field="iban")
    _conditional(update(BankAccount).where(
        BankAccount.beneficiary_id == beneficiary.id,
        BankAccount.status == BankAccountStatus.PENDING)
        .values(status=BankAccountStatus.WITHDRAWN))
    change = BankAccount(beneficiary_id=beneficiary.id, holder=account.holder,
                         iban=account.iban, bic=account.bic, requested_by_id=by.id,
                         status=BankAccountStatus.PENDING)
    db.session.add(change)
    db.session.flush()
    audit.record(by, "bank_account.requested", change, {
        "grant_id": grant.id, "beneficiary_id": beneficiary.id, "iban": masked(account.iban),
        "bic": account.bic})
    names = {"organisation": beneficiary.organisation.name, "name": by.name,
             "number": grant.agreement_number, "iban": masked(account.iban)}
    _tell(grant, beneficiary, lambda: (
        _("Bank details of %(organisation)s changed", **names),
        _("%(name)s entered new bank details for %(organisation)s on grant %(number)s (IBAN "
          "%(iban)s). They are used only once a finance officer of the funder has confirmed "
          "them.", **names)), finance=True)
    return change


def decide_target(account_id: int, *, by: User) -> BankAccount:
    """The account `by` may see, whatever its status; NotFound otherwise."""
    change = db.session.get(BankAccount, account_id)
    if change is None:
        raise NotFound(_("There is no such bank account, or you may not see it."))
    get_beneficiary(change.beneficiary_id, by=by)
    return change


def decide_change(account_id: int, *, by: User, confirm: bool) -> BankAccount:
    """A finance officer confirms a pending change (it takes effect) or rejects it."""
    change = decide_target(account_id, by=by)
    beneficiary = change.beneficiary
    grant = get_grant(beneficiary.grant_id, by=by, for_update=True)
    require(is_finance(by, grant), _("Only a finance officer of the funder confirms bank details."))
    if change.requested_by_id == by.id:
        raise Conflict(_("Someone else must confirm the bank details you entered yourself."))
    now = utcnow()
    if confirm:
        # The old account stops first, so the one-confirmed-account index never sees two.
        _conditional(update(BankAccount).where(
            BankAccount.beneficiary_id == beneficiary.id,
            BankAccount.status == BankAccountStatus.CONFIRMED)
            .values(status=BankAccountStatus.REPLACED))
    target = BankAccountStatus.CONFIRMED if confirm else BankAccountStatus.REJECTED
    if _conditional(update(BankAccount).where(
            BankAccount.id == change.id, BankAccount.status == BankAccountStatus.PENDING)
            .values(status=target, decided_by_id=by.id, decided_at=now)) != 1:
        raise Conflict(_("These bank details were already decided or replaced by newer ones; "
                       "nothing was changed."))
    db.session.expire(change)
    audit.record(by, f"bank_account.{target}", change, {
        "grant_id": grant.id, "beneficiary_id": beneficiary.id, "iban": masked(change.iban)})
    names = {"organisation": beneficiary.organisation.name, "name": by.name,
             "number": grant.agreement_number, "iban": masked(change.iban)}
    if confirm:
        message = lambda: (  # noqa: E731
            _("Bank details of %(organisation)s confirmed", **names),
            _("%(name)s confirmed; payments go to this account (IBAN %(iban)s, grant "
              "%(number)s).", **names))
    else:
        message = lambda: (  # noqa: E731
            _("Bank details of %(organisation)s rejected", **names),
            _("%(name)s rejected (IBAN %(iban)s, grant %(number)s).", **names))
    _tell(grant, beneficiary, message, finance=False)
    return change
