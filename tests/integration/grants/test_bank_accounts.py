"""Bank details: checked with schwifty, in force only once a finance officer confirms them."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.audit import AuditEvent
from app.core.errors import Conflict, DomainError
from app.core.extensions import db
from app.core.mail import OutboxMessage
from app.grants.models import BankAccount
from app.grants.rules.lifecycle import BankAccountStatus
from app.grants.services import bank_accounts
from tests.conftest import csrf_token

AT_IBAN, AT_BIC = "AT61 1904 3002 3457 3201", "BKAUATWW"
DE_IBAN = "DE89 3704 0044 0532 0130 00"  # its BIC is derived from the bank code


def _accounts(status=None) -> list[BankAccount]:
    query = select(BankAccount).order_by(BankAccount.id)
    if status:
        query = query.where(BankAccount.status == status)
    return list(db.session.scalars(query))


def test_coordinator_enters_and_finance_officer_confirms(client, sign_in, make_grant):
    case = make_grant()
    partner = case.grant.beneficiaries[1]
    sign_in(case.coordinator)
    url = f"/grants/beneficiaries/{partner.id}/bank-account"
    response = client.post(url, data={"holder": "Beneficiary GmbH", "iban": DE_IBAN,
                                      "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    [pending] = _accounts()
    assert (pending.status, pending.iban, pending.bic) == (
        BankAccountStatus.PENDING, "DE89370400440532013000", "COBADEFFXXX")
    assert bank_accounts.confirmed_accounts([partner.id]) == {}  # not in force yet
    page = client.get(f"/grants/{case.grant.id}/bank-accounts").get_data(as_text=True)
    assert "DE89 3704 0044 0532 0130 00" in page and "waits for a finance officer" in page

    client.post("/accounts/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(case.finance)
    page = client.get(f"/grants/{case.grant.id}/bank-accounts").get_data(as_text=True)
    assert "DE89 3704 0044 0532 0130 00" in page and "Record the decision" in page
    decide = f"/grants/bank-accounts/{pending.id}/decision"
    response = client.post(decide, data={
        "decision": "confirm", "understood": "y",
        "csrf_token": csrf_token(client, f"/grants/{case.grant.id}/bank-accounts")})
    assert response.status_code == 302
    db.session.expire_all()
    assert bank_accounts.confirmed_accounts([partner.id])[partner.id].id == pending.id
    assert pending.decided_by_id == case.finance.id
    actions = list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("bank_account.%")).order_by(AuditEvent.id)))
    assert actions == ["bank_account.requested", "bank_account.confirmed"]
    told = {m.recipient for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.subject.like("Bank details%")))}
    assert {case.coordinator.email, case.partner.email, case.finance.email} <= told


@pytest.mark.parametrize("iban, bic, field, message", [
    ("DE89 3704 0044 0532 0130 01", "", "iban", "This IBAN is not valid"),
    ("AT61 1904 3002 3457 3201", "COBADEFFXXX", "bic", "another country"),
    ("AT61 1904 3002 3457 3201", "NOTABIC", "bic", "This BIC is not valid"),
])
def test_a_wrong_account_is_shown_next_to_its_field_and_kept(client, sign_in, make_grant,
                                                            iban, bic, field, message):
    case = make_grant()
    sign_in(case.coordinator)
    url = f"/grants/beneficiaries/{case.grant.beneficiaries[0].id}/bank-account"
    response = client.post(url, data={"holder": "Acme", "iban": iban, "bic": bic,
                                      "csrf_token": csrf_token(client, url)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert f'id="{field}-error"' in page and f'value="{iban}"' in page  # nothing lost
    assert _accounts() == []


def test_a_new_change_replaces_the_pending_one_and_confirming_replaces_the_old(make_grant):
    case = make_grant()
    beneficiary = case.grant.beneficiaries[0]
    first = bank_accounts.request_change(beneficiary.id, by=case.coordinator, holder="Acme",
                                         iban=AT_IBAN, bic=AT_BIC)
    bank_accounts.decide_change(first.id, by=case.finance, confirm=True)
    second = bank_accounts.request_change(beneficiary.id, by=case.coordinator, holder="Acme",
                                          iban=DE_IBAN)
    third = bank_accounts.request_change(beneficiary.id, by=case.coordinator, holder="Acme AG",
                                         iban=DE_IBAN)
    db.session.commit()
    assert bank_accounts.confirmed_accounts([beneficiary.id])[beneficiary.id].id == first.id
    with pytest.raises(Conflict, match="already decided or replaced"):
        bank_accounts.decide_change(second.id, by=case.finance, confirm=True)
    db.session.rollback()
    bank_accounts.decide_change(third.id, by=case.finance, confirm=True)
    db.session.commit()
    statuses = [a.status for a in _accounts()]
    assert statuses == [BankAccountStatus.REPLACED, BankAccountStatus.WITHDRAWN,
                        BankAccountStatus.CONFIRMED]
    with pytest.raises(DomainError, match="already the confirmed account"):
        bank_accounts.request_change(beneficiary.id, by=case.coordinator, holder="Acme AG",
                                     iban=DE_IBAN)


def test_nobody_confirms_a_change_they_entered(make_grant, make_user):
    case = make_grant()
    change = bank_accounts.request_change(case.grant.beneficiaries[0].id, by=case.coordinator,
                                          holder="Acme", iban=AT_IBAN, bic=AT_BIC)
    db.session.commit()
    # The database refuses it even where the service would not be asked.
    change.status, change.decided_by_id = BankAccountStatus.CONFIRMED, case.coordinator.id
    with pytest.raises(IntegrityError, match="decided_by_someone_else"):
        db.session.flush()
    db.session.rollback()


def test_two_pending_changes_of_one_beneficiary_are_refused_by_the_database(make_grant):
    case = make_grant()
    beneficiary_id = case.grant.beneficiaries[0].id
    for _ in range(2):
        db.session.add(BankAccount(beneficiary_id=beneficiary_id, holder="Acme",
                                   iban="AT611904300234573201", bic=AT_BIC,
                                   requested_by_id=case.coordinator.id))
    with pytest.raises(IntegrityError, match="(?i)unique|duplicate"):
        db.session.flush()
    db.session.rollback()


def test_bank_details_are_hidden_from_programme_officers_and_other_applicants(
        client, sign_in, make_grant, make_user):
    case = make_grant()
    url = f"/grants/{case.grant.id}/bank-accounts"
    sign_in(case.officer)
    assert client.get(url).status_code == 404
    assert "Bank details" not in client.get(f"/grants/{case.grant.id}").get_data(as_text=True)
    other = make_grant()
    client.post("/accounts/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(other.coordinator)
    assert client.get(url).status_code == 404
    form = f"/grants/beneficiaries/{case.grant.beneficiaries[0].id}/bank-account"
    assert client.get(form).status_code == 404


def test_a_partner_enters_only_its_own_bank_details(make_grant):
    case = make_grant()
    coordinator_beneficiary = case.grant.beneficiaries[0]
    with pytest.raises(Exception, match="contact person or the coordinator"):
        bank_accounts.request_change(coordinator_beneficiary.id, by=case.partner,
                                     holder="Acme", iban=AT_IBAN, bic=AT_BIC)
    own = bank_accounts.request_change(case.grant.beneficiaries[1].id, by=case.partner,
                                       holder="Partner", iban=AT_IBAN, bic=AT_BIC)
    assert own.status == BankAccountStatus.PENDING


def test_confirming_bank_details_asks_for_a_fresh_second_factor(client, sign_in, make_grant):
    case = make_grant()
    change = bank_accounts.request_change(case.grant.beneficiaries[0].id, by=case.coordinator,
                                          holder="Acme", iban=AT_IBAN, bic=AT_BIC)
    db.session.commit()
    sign_in(case.finance)
    page = f"/grants/{case.grant.id}/bank-accounts"
    token = csrf_token(client, page)
    with client.session_transaction() as session:
        session.pop("second_factor_at", None)
    response = client.post(f"/grants/bank-accounts/{change.id}/decision", data={
        "decision": "confirm", "understood": "y", "csrf_token": token})
    assert response.status_code == 302 and "/accounts/step-up" in response.location
    db.session.expire_all()
    assert change.status == BankAccountStatus.PENDING
