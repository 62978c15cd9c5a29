"""The pure open-data builders (reference §5): 360Giving grants, OCDS releases and records."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.api.rules.cursors import CursorError, decode, encode
from app.opendata.rules.identifiers import country_code, json_number, org_id
from app.opendata.rules.ocds import (
    AwardFacts,
    ContractFacts,
    DocumentFacts,
    PartyFacts,
    ProcessFacts,
    TransactionFacts,
    releases_for,
)
from app.opendata.rules.ocds_packages import compile_release, record
from app.opendata.rules.threesixtygiving import (
    GrantFacts,
    OrganisationFacts,
    PaymentFacts,
    PrefixError,
    check_prefix,
    grant_record,
)

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
FUNDER = OrganisationFacts("XI-PIC-999999999", "CADSES Regional ICT Agency", "AT", "Austria")
FIRM = OrganisationFacts("XI-PIC-912345678", "Firm GmbH", "DE", "Germany")
LAB = OrganisationFacts("360G-CADSES-org-7", "Lab", "EL", "Greece")


def _grant(**changes) -> GrantFacts:
    fields = dict(
        identifier="GA-2026-001", prefix="360G-CADSES", title="Web content for SMEs",
        description="An abstract.", currency="EUR", amount_applied_for=Decimal("125000.00"),
        amount_awarded=Decimal("120000.50"), amount_disbursed=Decimal("48000.00"),
        award_date=date(2026, 3, 1), start_date=date(2026, 4, 1), end_date=date(2028, 3, 31),
        duration_months=24, recipient=FIRM, beneficiaries=(FIRM, LAB), funder=FUNDER,
        programme_code="CADSES-ICT-2026-09", programme_title="Web content",
        programme_url="https://opencall.example/calls/CADSES-ICT-2026-09", modified_at=AT,
        payments=(PaymentFacts("5", date(2026, 4, 2), Decimal("48000.00")),))
    fields.update(changes)
    return GrantFacts(**fields)


@pytest.mark.parametrize(("prefix", "valid"), [
    ("360G-CADSES", True), ("360G-opencall", True), ("360G-a.b_c-d", True),
    ("360G-", False), ("CADSES", False), ("360g-CADSES", False), ("360G-has space", False),
])
def test_a_grant_prefix_is_registered_form(prefix, valid):
    if valid:
        assert check_prefix(prefix) == prefix
    else:
        with pytest.raises(PrefixError, match="is not a 360Giving prefix"):
            check_prefix(prefix)


def test_the_required_360giving_fields_are_there_with_exact_amounts():
    # Reference §5: id, title, description, currency, amountAwarded, awardDate,
    # recipientOrganization[{id, name}], fundingOrganization[{id, name}].
    grant = grant_record(_grant())
    assert grant["id"] == "360G-CADSES-GA-2026-001"
    assert grant["amountAwarded"] == 120000.5 and grant["amountAppliedFor"] == 125000
    assert grant["awardDate"] == "2026-03-01"
    assert grant["recipientOrganization"] == [
        {"id": "XI-PIC-912345678", "name": "Firm GmbH", "addressCountry": "Germany"}]
    assert grant["fundingOrganization"][0]["id"] == "XI-PIC-999999999"
    assert grant["grantProgramme"][0]["code"] == "CADSES-ICT-2026-09"
    assert grant["disbursementTransaction"] == [{
        "id": "360G-CADSES-GA-2026-001-payment-5", "transactionDate": "2026-04-02",
        "currency": "EUR", "value": 48000}]
    assert "Consortium partners: Lab (Greece)." in grant["description"]


def test_beneficiary_locations_use_iso_codes_once_per_country():
    grant = grant_record(_grant(beneficiaries=(FIRM, LAB, FIRM)))
    assert [loc["countryCode"] for loc in grant["beneficiaryLocation"]] == ["DE", "GR"]


def test_a_grant_without_payments_has_no_transactions_and_a_title_as_description():
    grant = grant_record(_grant(payments=(), description="  "))
    assert "disbursementTransaction" not in grant
    assert grant["description"].startswith("Web content for SMEs")


@pytest.mark.parametrize(("identifier", "expected"), [
    ("PIC 999981634", "XI-PIC-999981634"), ("pic999981634", "XI-PIC-999981634"),
    ("NL811383696B01", "360G-X-org-4"), (None, "360G-X-org-4"), ("PIC 12", "360G-X-org-4"),
])
def test_org_ids_only_where_the_register_is_known(identifier, expected):
    assert org_id(identifier, prefix="360G-X", local_id=4) == expected


@pytest.mark.parametrize(("code", "iso"), [("EL", "GR"), ("UK", "GB"), ("de", "DE")])
def test_eu_country_codes_become_iso(code, iso):
    assert country_code(code) == iso


@pytest.mark.parametrize(("amount", "number"), [
    (Decimal("10.00"), 10), (Decimal("0.10"), 0.1), (Decimal("1234567.89"), 1234567.89)])
def test_money_becomes_a_json_number(amount, number):
    assert json_number(amount) == number and type(json_number(amount)) is type(number)


BUYER = PartyFacts("XI-PIC-999999999", "CADSES Regional ICT Agency", "AT", "Austria")
SUPPLIER = PartyFacts("XI-PIC-912345678", "Firm GmbH", "DE", "Germany", pic="912345678")


def _process(**changes) -> ProcessFacts:
    contract = ContractFacts(
        "GA-1", "11", "MAP: Broadband map", Decimal("90000.00"), "active", date(2026, 5, 1),
        date(2027, 4, 30), datetime(2026, 4, 20, 10, tzinfo=UTC),
        (TransactionFacts("GA-1-3", date(2026, 5, 2), Decimal("36000.00"), SUPPLIER),))
    fields = dict(
        ocid="ocds-abc123-TND-1", reference="TND-1", title="Broadband mapping",
        description="A mapping service.", status="results_published", currency="EUR",
        budget=Decimal("150000.00"), changed_at=datetime(2026, 1, 10, tzinfo=UTC),
        opens_at=datetime(2026, 1, 10, tzinfo=UTC), closes_at=datetime(2026, 2, 10, tzinfo=UTC),
        buyer=BUYER, criteria_kinds=("expert", "price"), criteria_details="Quality 70, price 30.",
        documents=(DocumentFacts("call-document", "Call", "https://x.example/c.pdf",
                                 "tenderNotice", "application/pdf"),),
        bids=4, results_at=datetime(2026, 3, 15, tzinfo=UTC),
        awards=(AwardFacts("11", "MAP: Broadband map", Decimal("90000.00"), (SUPPLIER,)),),
        contracts=(contract,))
    fields.update(changes)
    return ProcessFacts(**fields)


def test_a_tender_gives_one_release_per_change_in_date_order():
    releases = releases_for(_process())
    assert [r["tag"] for r in releases] == [["planning", "tender"], ["award"], ["contract"],
                                           ["implementation"]]
    assert all(r["initiationType"] == "tender" and r["ocid"] == "ocds-abc123-TND-1"
               for r in releases)
    assert releases[0]["tender"]["awardCriteria"] == "ratedCriteria"
    assert releases[1]["tender"]["numberOfTenderers"] == 4
    assert len({r["id"] for r in releases}) == 4


def test_a_release_id_changes_with_its_content_only():
    first, again = releases_for(_process())[0], releases_for(_process())[0]
    changed = releases_for(_process(title="Broadband mapping, amended"))[0]
    assert first["id"] == again["id"] != changed["id"]


def test_an_open_tender_has_its_tender_release_alone():
    releases = releases_for(_process(status="published", results_at=None, awards=(),
                                     contracts=()))
    assert [r["tag"] for r in releases] == [["planning", "tender"]]
    assert releases[0]["tender"]["status"] == "active"


def test_the_compiled_release_merges_by_id_and_keeps_every_payment():
    process = _process()
    releases = releases_for(process)
    second = TransactionFacts("GA-1-4", date(2026, 9, 1), Decimal("30000.00"), SUPPLIER)
    contract = process.contracts[0]
    more = releases_for(_process(contracts=(ContractFacts(
        *[getattr(contract, f) for f in ("id", "award_id", "title", "amount", "status",
                                         "start_date", "end_date", "signed_at")],
        transactions=(*contract.transactions, second)),)))
    extra = [r for r in more if r["id"] not in {x["id"] for x in releases}]
    compiled = compile_release(releases + extra)
    transactions = compiled["contracts"][0]["implementation"]["transactions"]
    assert [t["id"] for t in transactions] == ["GA-1-3", "GA-1-4"]
    assert compiled["tag"] == ["compiled"] and compiled["tender"]["status"] == "complete"
    assert compiled["contracts"][0]["status"] == "active"  # from the contract release
    roles = {p["id"]: p["roles"] for p in compiled["parties"]}
    assert roles[SUPPLIER.org_id] == ["tenderer", "supplier", "payee"]


def test_a_record_needs_a_release():
    with pytest.raises(ValueError, match="no release has nothing to compile"):
        record("ocds-abc123-TND-1", [])


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", encode(0, {}), encode(2, {"a": 1})])
def test_a_foreign_or_stale_cursor_is_refused(cursor):
    with pytest.raises(CursorError, match="cursor"):
        decode(cursor, {"a": 2})


def test_a_cursor_round_trips_for_its_filters():
    assert decode(encode(7, {"q": "x", "limit": 20}), {"limit": 20, "q": "x"}) == 7
    assert decode(None, {}) == 1
