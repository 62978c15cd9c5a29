"""Identifiers and values shared by both standards: org-ids, country codes, JSON numbers."""

import re
from decimal import Decimal

# EU documents and CORDIS write EL for Greece and UK for the United Kingdom; both standards
# use ISO 3166-1 alpha-2.
_ISO_COUNTRY = {"EL": "GR", "UK": "GB"}
_PIC = re.compile(r"^PIC\s*(\d{9})$", re.IGNORECASE)


def country_code(code: str) -> str:
    code = (code or "").upper()
    return _ISO_COUNTRY.get(code, code)


def org_id(identifier: str | None, *, prefix: str, local_id: int) -> str:
    """An org-id.guide identifier where one is known, else one scoped by `prefix`.

    The EU Participant Identification Code is list XI-PIC on org-id.guide. Other stored
    identifiers (a VAT number without its register) name no list, so they are not guessed at.
    """
    match = _PIC.match((identifier or "").strip())
    if match:
        return f"XI-PIC-{match.group(1)}"
    return f"{prefix}-org-{local_id}"


def json_number(amount: Decimal) -> int | float:
    """A money amount as a JSON number: whole amounts as integers, cents as a float (two
    decimals survive the round trip through a double exactly as printed)."""
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount)
