"""Bank accounts (schwifty) and SEPA credit transfer files (sepaxml) valid against pain.001."""

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from app.core.errors import DomainError
from app.grants.services.sepa import (
    Transfer,
    checked_account,
    credit_transfer_file,
    validate_pain_001,
)

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
FUNDER = checked_account("Regional Fund", "DE89 3704 0044 0532 0130 00")


def test_an_iban_is_checked_and_kept_compact_with_its_bic():
    account = checked_account("  Acme   GmbH ", "at61 1904 3002 3457 3201", "bkauatww")
    assert account == type(account)("Acme GmbH", "AT611904300234573201", "BKAUATWW")
    assert FUNDER.bic == "COBADEFFXXX"  # derived from the German bank code


@pytest.mark.parametrize("iban, message", [
    ("DE89 3704 0044 0532 0130 01", "not valid"),  # checksum
    ("DE89 3704 0044 0532 0130", "not valid"),  # length for Germany
    ("XX89 3704 0044 0532 0130 00", "not valid"),  # no such country
])
def test_a_wrong_iban_is_refused_next_to_its_field(iban, message):
    with pytest.raises(DomainError, match=message) as refused:
        checked_account("Acme", iban, "BKAUATWW")
    assert refused.value.field == "iban"


def test_a_bic_of_another_country_is_refused():
    with pytest.raises(DomainError, match="another country than the IBAN"):
        checked_account("Acme", "AT61 1904 3002 3457 3201", "COBADEFFXXX")


def test_a_batch_file_validates_against_the_pain_001_schema():
    acme = checked_account("Acme GmbH", "AT61 1904 3002 3457 3201", "BKAUATWW")
    uni = checked_account("Università di Trieste", "IT60 X054 2811 1010 0000 0123 456",
                          "BPMOIT22")
    document = credit_transfer_file(FUNDER, [
        Transfer(acme, Decimal("18375.00"), "AGR-00001-1", "Grant AGR-00001 pre-financing"),
        Transfer(uni, Decimal("17500.50"), "AGR-00001-1b", "Grant AGR-00001 pre-financing"),
    ], execution_date=date(2026, 3, 2))
    validate_pain_001(document)  # raises if not valid; checked again here on purpose
    root = etree.fromstring(document)
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "35875.50"
    ibans = root.xpath("//p:CdtrAcct/p:Id/p:IBAN/text()", namespaces=NS)
    assert ibans == ["AT611904300234573201", "IT60X0542811101000000123456"]
    assert "Universita di Trieste" in document.decode()  # transliterated to the SEPA set


def test_a_document_outside_the_schema_is_refused():
    with pytest.raises(ValueError, match="not valid pain.001.001.03"):
        validate_pain_001(b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">'
                          b"<Nonsense/></Document>")


def test_only_euro_and_positive_amounts_go_into_a_sepa_file():
    acme = checked_account("Acme GmbH", "AT61 1904 3002 3457 3201", "BKAUATWW")
    with pytest.raises(DomainError, match="SEPA credit transfers are in euro; these payments"
                                          " are in HUF"):
        credit_transfer_file(FUNDER, [Transfer(acme, Decimal("1.00"), "R", "D")],
                             execution_date=date(2026, 3, 2), currency="HUF")
    with pytest.raises(DomainError, match="A transfer must be positive"):
        credit_transfer_file(FUNDER, [Transfer(acme, Decimal("0.00"), "R", "D")],
                             execution_date=date(2026, 3, 2))
