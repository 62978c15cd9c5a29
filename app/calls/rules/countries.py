"""Country groups that calls use in their eligibility rules (pure; reference.md 1, 6)."""

from dataclasses import dataclass
from datetime import date

# ISO 3166-1 alpha-2. EU documents and CORDIS write EL for Greece and UK for the
# United Kingdom; everything inside OpenCall uses the ISO codes.
_EU_ALIASES = {"EL": "GR", "UK": "GB"}

EU_MEMBER_STATES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)

# Programme parts a call can belong to; an Associated Country's scope is checked
# against it (GB is associated to everything but the EIC Fund, NZ/CA/KR/JP to Pillar II).
PROGRAMME_PARTS = ("pillar_i", "pillar_ii", "pillar_iii", "eic_fund", "other")


@dataclass(frozen=True)
class Association:
    """A Horizon Europe association agreement: what it covers and from when."""

    scope: str  # "full" | "all_but_eic_fund" | "pillar_ii"
    since: date | None = None

    @property
    def scope_label(self) -> str:
        return _SCOPE_LABELS[self.scope]

    def covers(self, programme_part: str | None) -> bool:
        if self.scope == "full":
            return True
        if self.scope == "all_but_eic_fund":
            return programme_part != "eic_fund"
        return programme_part == "pillar_ii"


_SCOPE_LABELS = {
    "full": "all calls",
    "all_but_eic_fund": "calls outside the EIC Fund",
    "pillar_ii": "Pillar II calls",
}
_FULL = Association("full")
ASSOCIATED_COUNTRIES: dict[str, Association] = {
    **{code: _FULL for code in "AL AM BA FO GE IS IL XK MD ME MK NO RS TN TR UA".split()},
    "CH": Association("full", date(2025, 1, 1)),
    "EG": Association("full", date(2025, 4, 10)),
    "GB": Association("all_but_eic_fund"),
    "NZ": Association("pillar_ii"),
    "CA": Association("pillar_ii"),
    "KR": Association("pillar_ii", date(2025, 1, 1)),
    "JP": Association("pillar_ii", date(2026, 1, 1)),
}

# INTERREG III B CADSES area: the region the demo consortia come from.
CADSES = frozenset(
    "AT DE GR IT PL CZ SK HU SI BG RO HR BA RS ME MK AL MD UA".split()
)

COUNTRY_GROUPS = {
    "EU_MS": "EU Member States",
    "HE_ASSOCIATED": "Horizon Europe Associated Countries",
    "CADSES": "CADSES area",
}


def normalise_country(code: str) -> str:
    """Upper-case ISO alpha-2, with the EU's EL/UK spellings mapped to GR/GB."""
    code = code.strip().upper()
    return _EU_ALIASES.get(code, code)


def parse_groups(expression: str) -> tuple[str, ...]:
    """Split "EU_MS+HE_ASSOCIATED" into known group codes; ValueError names an unknown one."""
    groups = tuple(part.strip() for part in expression.split("+") if part.strip())
    if not groups:
        raise ValueError("Choose at least one country group.")
    for group in groups:
        if group not in COUNTRY_GROUPS:
            raise ValueError(f"Unknown country group {group!r}.")
    return groups


def ineligibility_reason(
    country: str,
    expression: str,
    *,
    on: date | None = None,
    programme_part: str | None = None,
) -> str | None:
    """Why `country` is outside the groups on date `on`, or None when it is eligible."""
    country = normalise_country(country)
    groups = parse_groups(expression)
    if "EU_MS" in groups and country in EU_MEMBER_STATES:
        return None
    if "CADSES" in groups and country in CADSES:
        return None
    association = ASSOCIATED_COUNTRIES.get(country)
    if "HE_ASSOCIATED" in groups and association is not None:
        if not association.covers(programme_part):
            return f"{country} is associated to Horizon Europe only for {association.scope_label}"
        if association.since and on and on < association.since:
            return f"{country} is associated to Horizon Europe only from {association.since}"
        return None
    labels = " or ".join(COUNTRY_GROUPS[g] for g in groups)
    return f"{country} is not among the {labels}"


def is_eligible_country(
    country: str,
    expression: str,
    *,
    on: date | None = None,
    programme_part: str | None = None,
) -> bool:
    return ineligibility_reason(country, expression, on=on, programme_part=programme_part) is None
