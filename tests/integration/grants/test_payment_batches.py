"""Payment batches: payable installments into one SEPA file, executed once, never changed after."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.core.audit import AuditEvent
from app.core.errors import Conflict, DomainError
from app.core.extensions import db
from app.grants.models import (
    Disbursement,
    GrantBeneficiary,
    Installment,
    PaymentBatch,
    PaymentBatchItem,
)
from app.grants.rules.lifecycle import BatchStatus, InstallmentStatus
from app.grants.services import bank_accounts, batch_files, batches, disbursements
from app.grants.services.sepa import validate_pain_001
from tests.conftest import csrf_token
from tests.factories.grants import PAYMENT_MODEL

D = Decimal
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
FUNDER_IBAN = "DE89 3704 0044 0532 0130 00"
ACCOUNTS = (("AT61 1904 3002 3457 3201", "BKAUATWW"),
            ("IT60 X054 2811 1010 0000 0123 456", "BPMOIT22"))


def confirm_accounts(case) -> None:
    """Every beneficiary of the case's grant with a confirmed account."""
    for beneficiary, (iban, bic) in zip(case.grant.beneficiaries, ACCOUNTS, strict=True):
        change = bank_accounts.request_change(beneficiary.id, by=case.coordinator,
                                              holder=beneficiary.organisation.name,
                                              iban=iban, bic=bic)
        bank_accounts.decide_change(change.id, by=case.finance, confirm=True)
    db.session.commit()


@pytest.fixture
def two_grants(make_grant, make_funded_application):
    """Two signed grants of one call (one funder), their pre-financing payable, accounts set."""
    first = make_grant()
    second = make_grant(application=make_funded_application(call=first.grant.call))
    for case in (first, second):
        confirm_accounts(case)
    return first, second


def _batch(case, *installments, currency="EUR") -> PaymentBatch:
    batch = batches.create_batch(by=case.finance, currency=currency,
                                 installment_ids=[i.id for i in installments],
                                 execution_date=date(2026, 2, 2), debtor_holder="Regional Fund",
                                 debtor_iban=FUNDER_IBAN)
    db.session.commit()
    return batch


def test_finance_officer_batches_downloads_and_executes(client, sign_in, two_grants):
    first, second = two_grants
    installments = [first.installment(1), second.installment(1)]
    sign_in(first.finance)
    url = "/grants/batches/new?currency=EUR"
    page = client.get(url).get_data(as_text=True)
    assert all(f'id="installment-{i.id}"' in page for i in installments)
    response = client.post(url, data={
        "installment_ids": [i.id for i in installments], "execution_date": "2026-02-02",
        "debtor_holder": "Regional Fund", "debtor_iban": FUNDER_IBAN,
        "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    batch = db.session.scalar(select(PaymentBatch))
    assert batch.status == BatchStatus.OPEN and batches.total_of(batch) == D("87500.00")

    document = client.get(f"/grants/batches/{batch.id}/sepa.xml")
    assert document.status_code == 200 and document.mimetype == "application/xml"
    validate_pain_001(document.data)  # raises unless valid pain.001.001.03
    root = etree.fromstring(document.data)
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "4"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "87500.00"
    assert sorted(set(root.xpath("//p:CdtrAcct/p:Id/p:IBAN/text()", namespaces=NS))) == [
        "AT611904300234573201", "IT60X0542811101000000123456"]

    batch_url = f"/grants/batches/{batch.id}"
    response = client.post(f"{batch_url}/execute", data={
        "bank_reference": "BANK-BATCH-1", "value_date": "2026-02-03", "understood": "y",
        "csrf_token": csrf_token(client, batch_url)})
    assert response.status_code == 302
    db.session.expire_all()
    assert batch.status == BatchStatus.EXECUTED and batch.bank_reference == "BANK-BATCH-1"
    payments = list(db.session.scalars(select(Disbursement).order_by(Disbursement.id)))
    assert [p.installment_id for p in payments] == sorted(i.id for i in installments)
    assert all(p.bank_reference == "BANK-BATCH-1" for p in payments)
    assert all(i.status == InstallmentStatus.PAID for i in installments)
    assert [item.is_open for item in batch.items] == [False, False]
    for b in db.session.scalars(select(GrantBeneficiary)):
        assert D("0") < b.disbursed_amount <= b.awarded_amount
    assert db.session.scalar(select(AuditEvent.data).where(
        AuditEvent.action == "payment_batch.executed"))["total"] == "87500.00"
    page = client.get(batch_url).get_data(as_text=True)
    assert "BANK-BATCH-1" in page and "Mark the batch executed" not in page


def test_a_beneficiary_without_confirmed_bank_details_cannot_be_batched(
        client, sign_in, make_grant):
    case = make_grant()
    change = bank_accounts.request_change(case.grant.beneficiaries[0].id, by=case.coordinator,
                                          holder="Acme", iban=ACCOUNTS[0][0], bic=ACCOUNTS[0][1])
    db.session.commit()  # entered, but nobody confirmed it
    assert change.status == "pending"
    [candidate] = batches.candidates(by=case.finance, currency="EUR")
    assert not candidate.batchable and len(candidate.reasons) == 2
    with pytest.raises(DomainError, match="has no confirmed bank details") as refused:
        _batch(case, case.installment(1))
    assert refused.value.field == "installment_ids"
    sign_in(case.finance)
    page = client.get("/grants/batches/new").get_data(as_text=True)
    name = case.grant.beneficiaries[1].organisation.name
    assert f"Cannot be batched: {name} has no confirmed bank details." in page
    assert f'id="installment-{case.installment(1).id}"' not in page  # nothing to tick


def test_an_installment_is_in_one_open_batch_only(two_grants):
    first, _ = two_grants
    _batch(first, first.installment(1))
    with pytest.raises(DomainError, match=r"Already in payment batch #\d+"):
        _batch(first, first.installment(1))
    db.session.rollback()
    # The database holds it too, whatever the service checks.
    other = PaymentBatch(funder_id=first.grant.call.funder_id, currency="EUR",
                         execution_date=date(2026, 2, 2), debtor_holder="Regional Fund",
                         debtor_iban="DE89370400440532013000", debtor_bic="COBADEFFXXX",
                         created_by_id=first.finance.id)
    other.items.append(PaymentBatchItem(installment_id=first.installment(1).id,
                                        amount=D("43750.00")))
    db.session.add(other)
    with pytest.raises(IntegrityError, match="(?i)unique|duplicate"):
        db.session.flush()
    db.session.rollback()


def test_a_batched_installment_is_paid_through_its_batch_only(two_grants, pay_installment):
    first, _ = two_grants
    batch = _batch(first, first.installment(1))
    with pytest.raises(Conflict, match=f"in payment batch #{batch.id}"):
        pay_installment(first, 1)
    db.session.rollback()
    batches.discard_batch(batch.id, by=first.finance)
    db.session.commit()
    assert db.session.scalar(select(func.count(PaymentBatchItem.id))) == 0
    assert not pay_installment(first, 1).replayed  # free again once the batch is discarded


def test_an_executed_batch_is_paid_once_and_never_changes(two_grants):
    first, second = two_grants
    batch = _batch(first, first.installment(1), second.installment(1))
    batches.execute_batch(batch.id, by=first.finance, bank_reference="B-1",
                          value_date=date(2026, 2, 3))
    db.session.commit()
    with pytest.raises(Conflict, match="cannot change and nothing was paid again"):
        batches.execute_batch(batch.id, by=first.finance, bank_reference="B-2",
                              value_date=date(2026, 2, 3))
    db.session.rollback()
    with pytest.raises(Conflict, match="cannot change"):
        batches.discard_batch(batch.id, by=first.finance)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Disbursement.id))) == 2
    batch.status, batch.bank_reference = BatchStatus.OPEN, "B-1"  # reopened with its reference
    with pytest.raises(IntegrityError, match="executed_with_reference"):
        db.session.flush()
    db.session.rollback()


def test_a_payment_that_changed_since_batching_stops_the_whole_batch(two_grants):
    first, second = two_grants
    batch = _batch(first, first.installment(1), second.installment(1))
    second.installment(1).payable_amount = D("1000.00")
    db.session.commit()
    with pytest.raises(Conflict, match="changed since it was batched"):
        batches.execute_batch(batch.id, by=first.finance, bank_reference="B-1",
                              value_date=date(2026, 2, 3))
    db.session.rollback()
    assert db.session.scalar(select(func.count(Disbursement.id))) == 0  # not even the first
    assert db.session.get(PaymentBatch, batch.id).status == BatchStatus.OPEN


@pytest.mark.parametrize("change", ["paid", "amount"])
def test_no_sepa_file_once_an_installment_changed_since_batching(two_grants, change):
    """Whatever slipped past the locks (a payment recorded beside the batch, a new amount),
    the bank never gets a file that would pay it again or pay the old amount."""
    first, second = two_grants
    batch = _batch(first, first.installment(1), second.installment(1))
    if change == "paid":
        second.installment(1).status = InstallmentStatus.PAID
    else:
        second.installment(1).payable_amount = D("1000.00")
    db.session.commit()
    with pytest.raises(DomainError, match="Changed since it was batched, so not in a file"):
        batch_files.sepa_file(batch.id, by=first.finance)
    assert second.grant.agreement_number in batch_files.file_refusal(
        batch, batch_files.transfers_of(batch))


def test_the_file_pays_the_accounts_confirmed_when_the_batch_was_made(two_grants):
    """The file pays the accounts copied at batching; a change still waiting for its second
    confirmation changes nothing, and a confirmed replacement (an account closed or
    compromised) stops the file instead of silently paying the old account."""
    first, second = two_grants
    batch = _batch(first, first.installment(1), second.installment(1))
    beneficiary = first.grant.beneficiaries[0]
    change = bank_accounts.request_change(beneficiary.id, by=first.coordinator,
                                          holder="Someone Else", iban="NL91ABNA0417164300",
                                          bic="ABNANL2A")
    db.session.commit()
    _, document = batch_files.sepa_file(batch.id, by=first.finance)
    validate_pain_001(document)
    root = etree.fromstring(document)
    ibans = root.xpath("//p:CdtrAcct/p:Id/p:IBAN/text()", namespaces=NS)
    assert "NL91ABNA0417164300" not in ibans and len(ibans) == 4
    assert ibans.count("AT611904300234573201") == 2  # each grant's first beneficiary
    kept = [t for t in batch_files.transfers_of(batch) if t.beneficiary.id == beneficiary.id]
    assert [(t.account.holder, t.account.iban) for t in kept] == [
        (beneficiary.organisation.name, "AT611904300234573201")]

    bank_accounts.decide_change(change.id, by=first.finance, confirm=True)
    db.session.commit()
    with pytest.raises(DomainError, match="were replaced since this batch was made"):
        batch_files.sepa_file(batch.id, by=first.finance)
    assert beneficiary.organisation.name in batch_files.file_refusal(
        batch, batch_files.transfers_of(batch))


def test_a_batch_made_before_transfers_were_kept_has_no_file(two_grants):
    first, second = two_grants
    batch = _batch(first, first.installment(1))
    for item in batch.items:
        item.transfers.clear()  # as a batch made before migration 0026
    db.session.commit()
    with pytest.raises(DomainError, match="Discard it and make a new one"):
        batch_files.sepa_file(batch.id, by=first.finance)


def test_a_batch_in_another_currency_has_no_sepa_file(client, sign_in, make_grant, make_call,
                                                       make_funded_application):
    call = make_call(currency="CHF", payment_model=PAYMENT_MODEL)
    case = make_grant(application=make_funded_application(call=call))
    confirm_accounts(case)
    batch = _batch(case, case.installment(1), currency="CHF")
    with pytest.raises(DomainError, match="SEPA credit transfers are in euro"):
        batch_files.sepa_file(batch.id, by=case.finance)
    sign_in(case.finance)
    page = client.get(f"/grants/batches/{batch.id}").get_data(as_text=True)
    assert "No payment file: SEPA credit transfers are in euro" in page
    assert "Download the SEPA file" not in page


def test_batches_belong_to_their_funder_and_are_listed_a_page_at_a_time(
        client, sign_in, two_grants, make_grant, monkeypatch):
    first, second = two_grants
    for installment in (first.installment(1), second.installment(1)):
        _batch(first, installment)
    outsider = make_grant()  # another call, another funder
    sign_in(outsider.finance)
    assert client.get(f"/grants/batches/{db.session.scalar(select(PaymentBatch.id))}"
                      ).status_code == 404
    assert "No payment batch yet" in client.get("/grants/batches").get_data(as_text=True)
    client.post("/accounts/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(first.finance)
    monkeypatch.setattr(batches, "PER_PAGE", 1)
    first_page = client.get("/grants/batches").get_data(as_text=True)
    second_page = client.get("/grants/batches?page=2").get_data(as_text=True)
    assert first_page.count("Batch #") == 1 == second_page.count("Batch #")
    assert "2 in all" in first_page


def _execute_in_threads(app, batch_id: int, finance_id: int, n: int) -> list[str]:
    barrier = threading.Barrier(n)
    outcomes: list[str] = []

    def attempt(reference: str) -> None:
        with app.app_context():
            officer = db.session.get(User, finance_id)
            db.session.close()
            try:
                barrier.wait(timeout=30)
                batches.execute_batch(batch_id, by=officer, bank_reference=reference,
                                      value_date=date(2026, 2, 3))
                db.session.commit()
                outcomes.append("executed")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(error.message)
            except Exception as error:  # recorded, so the test fails with the reason
                db.session.rollback()
                outcomes.append(f"error: {error!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(f"RACE-{n}",)) for n in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return outcomes


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
def test_ten_officers_executing_one_batch_at_once_pay_it_once(app, two_grants):
    first, second = two_grants
    batch = _batch(first, first.installment(1), second.installment(1))
    outcomes = _execute_in_threads(app, batch.id, first.finance.id, 10)
    db.session.expire_all()
    assert len(outcomes) == 10 and outcomes.count("executed") == 1, outcomes
    assert all("nothing was paid again" in o for o in outcomes if o != "executed"), outcomes
    assert db.session.scalar(select(func.count(Disbursement.id))) == 2
    assert db.session.scalar(select(func.sum(Installment.payable_amount)).where(
        Installment.status == InstallmentStatus.PAID)) == D("87500.00")
    for b in db.session.scalars(select(GrantBeneficiary)):
        assert b.disbursed_amount <= b.awarded_amount


def test_an_executed_batch_pays_each_installment_with_its_own_one_time_key(two_grants):
    first, _ = two_grants
    batch = _batch(first, first.installment(1))
    batches.execute_batch(batch.id, by=first.finance, bank_reference="B-1",
                          value_date=date(2026, 2, 3))
    db.session.commit()
    key = f"batch-{batch.id}-{first.installment(1).id}"
    replay = disbursements.execute_installment(
        first.installment(1).id, by=first.finance, value_date=date(2026, 2, 3),
        bank_reference="retry", idempotency_key=key)  # a retried request of the batch
    assert replay.replayed and replay.disbursement.id == batch.items[0].disbursement_id


def test_executing_a_batch_asks_for_a_fresh_second_factor(client, sign_in, two_grants):
    first, _ = two_grants
    batch = _batch(first, first.installment(1))
    sign_in(first.finance)
    batch_url = f"/grants/batches/{batch.id}"
    token = csrf_token(client, batch_url)
    with client.session_transaction() as session:
        session.pop("second_factor_at", None)  # the code given at sign-in is no longer fresh
    response = client.post(f"{batch_url}/execute", data={
        "bank_reference": "B-1", "value_date": "2026-02-03", "understood": "y",
        "csrf_token": token}, headers={"Referer": batch_url})
    assert response.status_code == 302 and "/accounts/step-up" in response.location
    assert db.session.get(PaymentBatch, batch.id).status == BatchStatus.OPEN
    assert db.session.scalar(select(func.count(Disbursement.id))) == 0
