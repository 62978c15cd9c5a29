"""Code lists for organisations: countries, CORDIS types, SME sizes, FORD fields, NACE sections."""

from enum import StrEnum

import pycountry

# Every ISO 3166-1 country (pycountry, shipped with the package: nothing downloads), plus
# Kosovo, which ISO has not assigned but the EU, CORDIS and Horizon Europe write as XK.
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
        return ORG_TYPE_LABELS[self]


ORG_TYPE_LABELS = {
    OrgType.PRC: "Private for-profit company",
    OrgType.HES: "Higher or secondary education",
    OrgType.REC: "Research organisation",
    OrgType.PUB: "Public body",
    OrgType.OTH: "Other",
}
RESEARCH_TYPES = frozenset({OrgType.REC, OrgType.HES})


class SmeSize(StrEnum):
    """Recommendation 2003/361/EC size classes (derived from figures: accounts/rules/sme.py)."""

    micro = "micro"
    small = "small"
    medium = "medium"


# OECD Frascati Manual 2015, Fields of R&D (FORD): 6 fields, 42 subfields.
FORD_FIELDS = {
    "1": "Natural sciences",
    "1.1": "Mathematics",
    "1.2": "Computer and information sciences",
    "1.3": "Physical sciences",
    "1.4": "Chemical sciences",
    "1.5": "Earth and related environmental sciences",
    "1.6": "Biological sciences",
    "1.7": "Other natural sciences",
    "2": "Engineering and technology",
    "2.1": "Civil engineering",
    "2.2": "Electrical, electronic, information engineering",
    "2.3": "Mechanical engineering",
    "2.4": "Chemical engineering",
    "2.5": "Materials engineering",
    "2.6": "Medical engineering",
    "2.7": "Environmental engineering",
    "2.8": "Environmental biotechnology",
    "2.9": "Industrial biotechnology",
    "2.10": "Nano-technology",
    "2.11": "Other engineering and technologies",
    "3": "Medical and health sciences",
    "3.1": "Basic medicine",
    "3.2": "Clinical medicine",
    "3.3": "Health sciences",
    "3.4": "Medical biotechnology",
    "3.5": "Other medical sciences",
    "4": "Agricultural and veterinary sciences",
    "4.1": "Agriculture, forestry, and fisheries",
    "4.2": "Animal and dairy science",
    "4.3": "Veterinary science",
    "4.4": "Agricultural biotechnology",
    "4.5": "Other agricultural sciences",
    "5": "Social sciences",
    "5.1": "Psychology and cognitive sciences",
    "5.2": "Economics and business",
    "5.3": "Education",
    "5.4": "Sociology",
    "5.5": "Law",
    "5.6": "Political science",
    "5.7": "Social and economic geography",
    "5.8": "Media and communications",
    "5.9": "Other social sciences",
    "6": "Humanities and the arts",
    "6.1": "History and archaeology",
    "6.2": "Languages and literature",
    "6.3": "Philosophy, ethics and religion",
    "6.4": "Arts",
    "6.5": "Other humanities",
}
FORD_SUBFIELDS = {code: label for code, label in FORD_FIELDS.items() if "." in code}

# NACE Rev. 2 sections; Rev. 2.1 (from 2025) moves ICT to a new section K, which is
# why an organisation stores the revision beside its code.
NACE_SECTIONS = {
    "A": "Agriculture, forestry and fishing",
    "B": "Mining and quarrying",
    "C": "Manufacturing",
    "D": "Electricity, gas, steam and air conditioning supply",
    "E": "Water supply; sewerage, waste management and remediation",
    "F": "Construction",
    "G": "Wholesale and retail trade",
    "H": "Transportation and storage",
    "I": "Accommodation and food service activities",
    "J": "Information and communication",
    "K": "Financial and insurance activities",
    "L": "Real estate activities",
    "M": "Professional, scientific and technical activities",
    "N": "Administrative and support service activities",
    "O": "Public administration and defence",
    "P": "Education",
    "Q": "Human health and social work activities",
    "R": "Arts, entertainment and recreation",
    "S": "Other service activities",
    "T": "Activities of households as employers",
    "U": "Activities of extraterritorial organisations",
}
NACE_REVISIONS = ("2", "2.1")
