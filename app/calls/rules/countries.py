"""Country groups that calls use in their eligibility rules (pure; reference.md 1, 6)."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.core.rules.messages import N_, Message, NameList

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
    since: date  # the first day a call's deadline may fall on for the country to count

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
    "full": N_("all calls"),
    "all_but_eic_fund": N_("calls outside the EIC Fund"),
    "pillar_ii": N_("Pillar II calls"),
}
# The first association agreements were signed in 2021-2022 and apply to the whole
# programme, so their start is the programme's own start; later ones start on their date
# (reference.md 1; NZ from Work Programme 2023, CA retroactively from 2024-01-01, per the
# Commission's "Updates on the association of third countries to Horizon Europe").
HORIZON_EUROPE_START = date(2021, 1, 1)
_FROM_THE_START = Association("full", HORIZON_EUROPE_START)
ASSOCIATED_COUNTRIES: dict[str, Association] = {
    **{code: _FROM_THE_START for code in "AL AM BA FO GE IS IL XK MD ME MK NO RS TN TR UA".split()},
    "CH": Association("full", date(2025, 1, 1)),
    "EG": Association("full", date(2025, 4, 10)),
    "GB": Association("all_but_eic_fund", date(2024, 1, 1)),
    "NZ": Association("pillar_ii", date(2023, 1, 1)),
    "CA": Association("pillar_ii", date(2024, 1, 1)),
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
            return Message(N_("%(country)s is associated to Horizon Europe only for %(scope)s"),
                           country=country, scope=Message(association.scope_label))
        if on is not None and on < association.since:
            return Message(N_("%(country)s is associated to Horizon Europe only from %(date)s"),
                           country=country, date=str(association.since))
        return None
    return Message(N_("%(country)s is not among the %(groups)s"), country=country,
                   groups=group_names(groups))


def group_names(groups) -> NameList:
    """"EU Member States or Horizon Europe Associated Countries" (labels are marked in
    calls/labels.py COUNTRY_GROUP_NAMES)."""
    return NameList([Message(COUNTRY_GROUPS[g]) for g in groups], conjunction="or")


def eligible_set(
    expression: str,
    *,
    on: date | None = None,
    programme_part: str | None = None,
) -> frozenset[str]:
    """Every country that `ineligibility_reason` accepts, computed once for a call.

    A membership test on this set is the engine's whole per-member country check; the
    reasons are written only for a report someone reads."""
    groups = parse_groups(expression)
    countries: set[str] = set()
    if "EU_MS" in groups:
        countries |= EU_MEMBER_STATES
    if "CADSES" in groups:
        countries |= CADSES
    if "HE_ASSOCIATED" in groups:
        countries |= {
            code
            for code, association in ASSOCIATED_COUNTRIES.items()
            if association.covers(programme_part)
            and not (on is not None and on < association.since)
        }
    return frozenset(countries)


def association_day(deadline: datetime, timezone: str) -> date:
    """The calendar day of a call's deadline in the call's own time zone (reference.md 1).

    A country counts when it is associated on that day: a deadline of 00:30 in Brussels
    on 1 January is still 31 December in UTC, but the call means 1 January."""
    if deadline.tzinfo is None:
        raise ValueError("The deadline must be an aware datetime.")
    return deadline.astimezone(ZoneInfo(timezone)).date()


def is_eligible_country(
    country: str,
    expression: str,
    *,
    on: date | None = None,
    programme_part: str | None = None,
) -> bool:
    return ineligibility_reason(country, expression, on=on, programme_part=programme_part) is None
