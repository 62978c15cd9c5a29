"""Code lists for organisations: countries, CORDIS types, SME sizes, FORD fields, NACE sections.

Labels are lazily translated (Flask-Babel): each is translated when shown, in the page's language.
"""

from enum import StrEnum

import pycountry
from flask_babel import lazy_gettext as _l

# Every ISO 3166-1 country (pycountry, shipped with the package: nothing downloads), plus
# Kosovo, which ISO has not assigned but the EU, CORDIS and Horizon Europe write as XK.
# These English names are the source; pages in another language show Babel's (formatting.py).
USER_ASSIGNED_COUNTRIES = {"XK": "Kosovo"}
COUNTRIES: dict[str, str] = dict(sorted(
    {**{country.alpha_2: country.name for country in pycountry.countries},
     **USER_ASSIGNED_COUNTRIES}.items(),
    key=lambda item: item[1]))


class OrgType(StrEnum):
    PRC = "PRC"
    HES = "HES"
    REC = "REC"
    PUB = "PUB"
    OTH = "OTH"

    @property
    def label(self) -> str:
        return str(ORG_TYPE_LABELS[self])  # in the current language


ORG_TYPE_LABELS = {
    OrgType.PRC: _l("Private for-profit company"),
    OrgType.HES: _l("Higher or secondary education"),
    OrgType.REC: _l("Research organisation"),
    OrgType.PUB: _l("Public body"),
    OrgType.OTH: _l("Other"),
}
RESEARCH_TYPES = frozenset({OrgType.REC, OrgType.HES})


class SmeSize(StrEnum):
    """Recommendation 2003/361/EC size classes (derived from figures: accounts/rules/sme.py)."""

    micro = "micro"
    small = "small"
    medium = "medium"


# OECD Frascati Manual 2015, Fields of R&D (FORD): 6 fields, 42 subfields.
FORD_FIELDS = {
    "1": _l("Natural sciences"),
    "1.1": _l("Mathematics"),
    "1.2": _l("Computer and information sciences"),
    "1.3": _l("Physical sciences"),
    "1.4": _l("Chemical sciences"),
    "1.5": _l("Earth and related environmental sciences"),
    "1.6": _l("Biological sciences"),
    "1.7": _l("Other natural sciences"),
    "2": _l("Engineering and technology"),
    "2.1": _l("Civil engineering"),
    "2.2": _l("Electrical, electronic, information engineering"),
    "2.3": _l("Mechanical engineering"),
    "2.4": _l("Chemical engineering"),
    "2.5": _l("Materials engineering"),
    "2.6": _l("Medical engineering"),
    "2.7": _l("Environmental engineering"),
    "2.8": _l("Environmental biotechnology"),
    "2.9": _l("Industrial biotechnology"),
    "2.10": _l("Nano-technology"),
    "2.11": _l("Other engineering and technologies"),
    "3": _l("Medical and health sciences"),
    "3.1": _l("Basic medicine"),
    "3.2": _l("Clinical medicine"),
    "3.3": _l("Health sciences"),
    "3.4": _l("Medical biotechnology"),
    "3.5": _l("Other medical sciences"),
    "4": _l("Agricultural and veterinary sciences"),
    "4.1": _l("Agriculture, forestry, and fisheries"),
    "4.2": _l("Animal and dairy science"),
    "4.3": _l("Veterinary science"),
    "4.4": _l("Agricultural biotechnology"),
    "4.5": _l("Other agricultural sciences"),
    "5": _l("Social sciences"),
    "5.1": _l("Psychology and cognitive sciences"),
    "5.2": _l("Economics and business"),
    "5.3": _l("Education"),
    "5.4": _l("Sociology"),
    "5.5": _l("Law"),
    "5.6": _l("Political science"),
    "5.7": _l("Social and economic geography"),
    "5.8": _l("Media and communications"),
    "5.9": _l("Other social sciences"),
    "6": _l("Humanities and the arts"),
    "6.1": _l("History and archaeology"),
    "6.2": _l("Languages and literature"),
    "6.3": _l("Philosophy, ethics and religion"),
    "6.4": _l("Arts"),
    "6.5": _l("Other humanities"),
}
FORD_SUBFIELDS = {code: label for code, label in FORD_FIELDS.items() if "." in code}

# NACE Rev. 2 sections; Rev. 2.1 (from 2025) moves ICT to a new section K, which is
# why an organisation stores the revision beside its code.
NACE_SECTIONS = {
    "A": _l("Agriculture, forestry and fishing"),
    "B": _l("Mining and quarrying"),
    "C": _l("Manufacturing"),
    "D": _l("Electricity, gas, steam and air conditioning supply"),
    "E": _l("Water supply; sewerage, waste management and remediation"),
    "F": _l("Construction"),
    "G": _l("Wholesale and retail trade"),
    "H": _l("Transportation and storage"),
    "I": _l("Accommodation and food service activities"),
    "J": _l("Information and communication"),
    "K": _l("Financial and insurance activities"),
    "L": _l("Real estate activities"),
    "M": _l("Professional, scientific and technical activities"),
    "N": _l("Administrative and support service activities"),
    "O": _l("Public administration and defence"),
    "P": _l("Education"),
    "Q": _l("Human health and social work activities"),
    "R": _l("Arts, entertainment and recreation"),
    "S": _l("Other service activities"),
    "T": _l("Activities of households as employers"),
    "U": _l("Activities of extraterritorial organisations"),
}
NACE_REVISIONS = ("2", "2.1")
