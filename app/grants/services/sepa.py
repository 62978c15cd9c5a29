"""Bank accounts checked with schwifty; SEPA credit transfer files (pain.001.001.03) with sepaxml.

A payment file is validated against the pain.001.001.03 schema shipped in
app/grants/schemas/ (ISO 20022, as bundled by sepaxml, MIT) before anyone can download it:
a file the bank would reject is a bug here, not a surprise at the bank. Nothing is
downloaded at run time.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from lxml import etree
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaTransfer

from app.core.errors import DomainError

PAIN_001 = "pain.001.001.03"
SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / f"{PAIN_001}.xsd"
SEPA_CURRENCY = "EUR"  # SEPA credit transfers are in euro only


@dataclass(frozen=True)
class Account:
    """A checked account: the IBAN in its compact form and the BIC (given or derived)."""

    holder: str
    iban: str
    bic: str


def checked_account(holder: str, iban: str, bic: str = "") -> Account:
    """The account if its IBAN (checksum, country length and format) and BIC are valid.

    The BIC may be left out where the bank can be derived from the IBAN (schwifty's
    bank registry); a BIC that is given must be valid and belong to the IBAN's country.
    """
    holder = " ".join(holder.split())
    if not holder:
        raise DomainError(_("Enter the account holder's name."), field="holder")
    try:
        checked = IBAN(iban)
    except SchwiftyException as error:
        raise DomainError(_("This IBAN is not valid: %(problem)s.", problem=error),
                          field="iban") from None
    code = "".join(bic.split()).upper()
    if code:
        try:
            given = BIC(code)
        except SchwiftyException as error:
            raise DomainError(_("This BIC is not valid: %(problem)s.", problem=error),
                              field="bic") from None
        if given.country_code != checked.country_code:
            raise DomainError(_("The BIC belongs to a bank in another country than the IBAN."),
                              field="bic")
        code = str(given)
    elif checked.bic is not None:
        code = str(checked.bic)
    else:
        raise DomainError(_("Enter the BIC: it cannot be derived from this IBAN."), field="bic")
    return Account(holder[:70], checked.compact, code)


@dataclass(frozen=True)
class Transfer:
    """One credit transfer of a batch; `reference` is the end-to-end id (35 characters)."""

    creditor: Account
    amount: Decimal
    reference: str
    description: str


@cache
def _schema() -> etree.XMLSchema:
    # libxml2 (through lxml) validates 10,000 transfers in a fraction of a second.
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def validate_pain_001(document: bytes) -> None:
    """Raise ValueError unless `document` is valid pain.001.001.03."""
    schema = _schema()
    # no_network: the parser never fetches anything a document points to.
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    if not schema.validate(etree.fromstring(document, parser)):
        raise ValueError(f"The payment file is not valid {PAIN_001}: "
                         f"{schema.error_log.last_error.message}")


def credit_transfer_file(debtor: Account, transfers: list[Transfer], *, execution_date: date,
                         currency: str = SEPA_CURRENCY) -> bytes:
    """The pain.001 document for `transfers` from the funder's `debtor` account, validated."""
    if currency != SEPA_CURRENCY:
        raise DomainError(_("SEPA credit transfers are in euro; these payments are in "
                            "%(currency)s.", currency=currency))
    if not transfers:
        raise DomainError(_("A payment file needs at least one payment."))
    sepa = SepaTransfer({"name": debtor.holder, "IBAN": debtor.iban, "BIC": debtor.bic,
                         "batch": True, "currency": SEPA_CURRENCY}, schema=PAIN_001, clean=True)
    for transfer in transfers:
        if transfer.amount <= 0:
            raise DomainError(_("A transfer must be positive, not %(amount)s.",
                                amount=transfer.amount))
        sepa.add_payment({
            "name": transfer.creditor.holder, "IBAN": transfer.creditor.iban,
            "BIC": transfer.creditor.bic, "amount": int(transfer.amount.scaleb(2)),
            "execution_date": execution_date, "description": transfer.description[:140],
            "endtoend_id": transfer.reference[:35]})
    document = sepa.export(validate=False)
    validate_pain_001(document)
    return document
