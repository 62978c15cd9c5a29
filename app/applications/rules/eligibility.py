"""Consortium eligibility: every rule of a call checked against a consortium (pure; design 4)."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

from app.applications.rules.eligibility_report import Check, CheckCode, EligibilityReport
from app.calls.rules.countries import (
    COUNTRY_GROUPS,
    EU_MEMBER_STATES,
    ineligibility_reason,
    normalise_country,
    parse_groups,
)
from app.calls.rules.wording import count_noun, join_names, money_text

RESEARCH_ORG_TYPES = frozenset({"REC", "HES"})
FIRM_ORG_TYPE = "PRC"
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Member:
    """One beneficiary of a consortium; the country is normalised to ISO (EL->GR, UK->GB)."""

    key: str
    name: str
    country: str
    org_type: str
    is_sme: bool = False
    fields_of_science: tuple[str, ...] = ()
    role: str = "partner"
    controller: str | None = None
    requested_amount: Decimal = Decimal("0")

    def __post_init__(self) -> None:
        object.__setattr__(self, "country", normalise_country(self.country))
        object.__setattr__(self, "fields_of_science", tuple(self.fields_of_science))
        if isinstance(self.requested_amount, float):
            raise TypeError("requested_amount must be a Decimal, int or str, never a float")
        object.__setattr__(self, "requested_amount", Decimal(self.requested_amount))
        if self.requested_amount < 0:  # shares of a total only make sense for amounts >= 0
            raise ValueError("requested_amount cannot be negative")


@dataclass(frozen=True, slots=True)
class _Consortium:
    """What the counting rules look at, computed once per check_eligibility call."""

    members: tuple[Member, ...]
    outside: tuple[tuple[Member, str], ...]  # members outside the eligible countries, and why
    units: tuple[tuple[Member, ...], ...]  # eligible members; each unit counts once
    linked: tuple[tuple[Member, ...], ...]  # members under common control (2+ organisations)
    independent: bool
    currency: str = "EUR"

    def counted(self, qualifies: Callable[[Member], bool] = bool) -> list[str]:
        """The units that qualify, each named by its keys ("P1" or "P2+P3" when linked)."""
        return [
            "+".join(dict.fromkeys(member.key for member in unit))
            for unit in self.units
            if any(qualifies(member) for member in unit)
        ]


def check_eligibility(
    members: Sequence[Member],
    rules: Mapping[str, object],
    *,
    on: date | None = None,
    currency: str = "EUR",
) -> EligibilityReport:
    """Run every rule present in `rules` (none stops the others) and report each one.

    Members outside `eligible_countries` count toward none of the minimums. With
    `require_independent_partners`, organisations linked by control form one unit that
    counts once in every minimum (it counts as a research partner, SME, ... if any of
    its organisations is one); a key repeated in `members` always counts once.
    """
    consortium = replace(_consortium(members, rules, on), currency=currency)
    checks = []
    for rule_key, run in _RULE_CHECKS:
        if rule_key == "require_independent_partners":
            if consortium.independent:  # false asks for nothing, so there is nothing to show
                checks.append(run(consortium, rules))
        elif rules.get(rule_key) is not None:
            checks.append(run(consortium, rules))
    return EligibilityReport(tuple(checks))


def _consortium(members: Sequence[Member], rules: Mapping[str, object], on: date | None):
    members = tuple(members)
    expression = rules.get("eligible_countries")
    outside: list[tuple[Member, str]] = []
    if expression is not None:
        programme_part = rules.get("programme_part")
        reasons: dict[str, str | None] = {}  # one look-up per country, not per member
        for member in members:
            if member.country not in reasons:
                reasons[member.country] = ineligibility_reason(
                    member.country, str(expression), on=on, programme_part=programme_part
                )
            if reasons[member.country] is not None:
                outside.append((member, reasons[member.country]))
    outside_keys = {member.key for member, _ in outside}
    control_groups = _control_groups(members)
    independent = _flag(rules.get("require_independent_partners"))
    # Without the independence rule only a repeated key is merged.
    groups = control_groups if independent else _groups_by(members, lambda member: member.key)
    units = tuple(
        unit
        for unit in (tuple(m for m in group if m.key not in outside_keys) for group in groups)
        if unit
    )
    linked = tuple(group for group in control_groups if len({m.key for m in group}) > 1)
    return _Consortium(members, tuple(outside), units, linked, independent)


def _control_groups(members: tuple[Member, ...]) -> list[tuple[Member, ...]]:
    """Members linked by control, transitively: same controller, or one controls the other."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for member in members:
        if member.controller:
            parent[root(member.key)] = root(member.controller)
    return _groups_by(members, lambda member: root(member.key))


def _groups_by(
    members: tuple[Member, ...], key: Callable[[Member], str]
) -> list[tuple[Member, ...]]:
    groups: dict[str, list[Member]] = {}
    for member in members:
        groups.setdefault(key(member), []).append(member)
    return [tuple(group) for group in groups.values()]


def _eligible_countries(consortium: _Consortium, rules: Mapping[str, object]) -> Check:
    groups = list(parse_groups(str(rules["eligible_countries"])))
    detail = {
        "groups": groups,
        "outside": [
            {"key": m.key, "name": m.name, "country": m.country, "reason": reason}
            for m, reason in consortium.outside
        ],
    }
    code = CheckCode.ELIGIBLE_COUNTRIES
    if not consortium.outside:
        labels = " or ".join(COUNTRY_GROUPS[g] for g in groups)
        return Check(code, True, f"No member is established outside the {labels}.", detail)
    named = "; ".join(f"{m.name or m.key}: {reason}" for m, reason in consortium.outside)
    message = (
        "Replace or remove the members outside the eligible countries, "
        f"who count toward no minimum ({named})."
    )
    return Check(code, False, message, detail)


def _min_partners(consortium: _Consortium, rules: Mapping[str, object]) -> Check:
    adjective = "independent " if consortium.independent else ""
    noun = (f"{adjective}partner", f"{adjective}partners")
    return _minimum(CheckCode.MIN_PARTNERS, rules, consortium.counted(), noun[1].capitalize(), noun)


def _independence(consortium: _Consortium, rules: Mapping[str, object]) -> Check:
    detail = {"linked": [list(dict.fromkeys(m.key for m in group)) for group in consortium.linked]}
    code = CheckCode.INDEPENDENCE
    if not consortium.linked:
        return Check(code, True, "No two members are under common control.", detail)
    named = "; ".join(
        f"{join_names([m.name or m.key for m in group])} are under common control and count as one"
        for group in consortium.linked
    )
    message = f"{named}. Keep one of each and replace the others with independent organisations."
    return Check(code, False, message, detail)


def _min_countries(consortium: _Consortium, rules: Mapping[str, object]) -> Check:
    countries = _distinct_countries(consortium.units)
    noun = ("partner from another country", "partners from other countries")
    code = CheckCode.MIN_COUNTRIES
    return _minimum(code, rules, countries, "Countries", noun, listed_as="countries")


def _distinct_countries(units: tuple[tuple[Member, ...], ...]) -> list[str]:
    """Countries that distinct units can represent, one each (a bipartite matching).

    A unit of linked organisations in several countries stands for only one of them;
    the matching picks the choice that covers the most countries.
    """
    options = [sorted({m.country for m in unit}) for unit in units]
    if all(len(countries) == 1 for countries in options):
        return sorted({countries[0] for countries in options})
    holder: dict[str, int] = {}  # country -> the unit that represents it

    def assign(unit: int, tried: set[str]) -> bool:
        for country in options[unit]:
            if country not in tried:
                tried.add(country)
                if country not in holder or assign(holder[country], tried):
                    holder[country] = unit
                    return True
        return False

    for unit in range(len(options)):
        assign(unit, set())
    return sorted(holder)


def _min_member_state_partners(consortium: _Consortium, rules: Mapping[str, object]) -> Check:
    found = consortium.counted(lambda m: m.country in EU_MEMBER_STATES)
    noun = ("partner established in an EU Member State", "partners established in EU Member States")
    code = CheckCode.MIN_MEMBER_STATE_PARTNERS
    return _minimum(code, rules, found, "Partners in EU Member States", noun)


def _min_research_partners(consortium: _Consortium, rules: Mapping[str, object]) -> Check:
    found = consortium.counted(lambda m: m.org_type in RESEARCH_ORG_TYPES)
    noun = ("research organisation (REC or HES)", "research organisations (REC or HES)")
    code = CheckCode.MIN_RESEARCH_PARTNERS
    return _minimum(code, rules, found, "Research organisations", noun)


def _min_sme_partners(consortium: _Consortium, rules: Mapping[str, object]) -> Check:
    found = consortium.counted(lambda m: m.is_sme)
    return _minimum(CheckCode.MIN_SME_PARTNERS, rules, found, "SMEs", ("SME", "SMEs"))


def _min_firm_partners(consortium: _Consortium, rules: Mapping[str, object]) -> Check:
    found = consortium.counted(lambda m: m.org_type == FIRM_ORG_TYPE)
    noun = ("company (PRC, SME or not)", "companies (PRC, SME or not)")
    return _minimum(CheckCode.MIN_FIRM_PARTNERS, rules, found, "Companies", noun)


def _min_fields_of_science(consortium: _Consortium, rules: Mapping[str, object]) -> Check:
    level = int(rules.get("field_level") or 1)
    if level not in (1, 2):
        raise ValueError(f"field_level must be 1 or 2, not {level!r}")
    found = {
        _field_at_level(code, level)
        for unit in consortium.units
        for member in unit
        for code in member.fields_of_science
    } - {None}
    fields = sorted(found, key=lambda code: [int(p) if p.isdigit() else 0 for p in code.split(".")])
    if level == 1:
        label, noun = "Fields of science", ("field of science (FORD)", "fields of science (FORD)")
    else:
        label, noun = "FORD subfields", ("FORD subfield", "FORD subfields")
    code = CheckCode.MIN_FIELDS_OF_SCIENCE
    return _minimum(code, rules, fields, label, noun, listed_as="fields", level=level)


def _field_at_level(code: str, level: int) -> str | None:
    """FORD code at `level`: "2.2" is "2" at level 1; a level-1 code has no level-2 value."""
    parts = code.strip().split(".")
    return ".".join(parts[:level]) if len(parts) >= level and parts[0] else None


def _max_requested(consortium: _Consortium, rules: Mapping[str, object]) -> Check:
    cap = Decimal(str(rules["max_requested_per_proposal"]))
    total = sum((m.requested_amount for m in consortium.members), Decimal("0"))
    detail = {"cap": _cents(cap), "requested": _cents(total)}
    code = CheckCode.MAX_REQUESTED_PER_PROPOSAL
    if total <= cap:
        requested = money_text(total, consortium.currency)
        allowed = money_text(cap, consortium.currency)
        message = f"The consortium requests {requested} of at most {allowed}."
        return Check(code, True, message, detail)
    detail["excess"] = _cents(total - cap)
    over = money_text(total - cap, consortium.currency)
    return Check(code, False, f"Reduce the requested amount by {over}.", detail)


def _max_partner_share(consortium: _Consortium, rules: Mapping[str, object]) -> Check:
    """No member may request more than the share; each reduction is rounded up to the cent."""
    limit = Decimal(str(rules["max_partner_share"]))
    total = sum((m.requested_amount for m in consortium.members), Decimal("0"))
    over = [m for m in consortium.members if total > 0 and m.requested_amount > limit * total]
    detail: dict = {"max_share": str(limit), "requested": _cents(total), "over": []}
    code = CheckCode.MAX_PARTNER_SHARE
    if not over:
        message = f"No member requests over {_percent(limit)} of the total."
        return Check(code, True, "Nothing is requested yet." if total <= 0 else message, detail)
    advice = []
    for member in over:
        # Cutting a request by d also cuts the total by d, hence the division by (1 - limit);
        # each figure assumes the other requests stay as they are.
        reduce_by = ((member.requested_amount - limit * total) / (1 - limit)).quantize(
            CENT, rounding=ROUND_UP
        )
        share = member.requested_amount / total
        detail["over"].append(
            {"key": member.key, "share": _percent(share), "reduce_by": _cents(reduce_by)}
        )
        advice.append(
            f"Reduce {member.name or member.key}'s request by "
            f"{money_text(reduce_by, consortium.currency)} "
            f"(now {_percent(share)} of the total, at most {_percent(limit)} allowed)"
        )
    return Check(code, False, "; ".join(advice) + ".", detail)


_RULE_CHECKS: tuple[tuple[str, Callable[[_Consortium, Mapping[str, object]], Check]], ...] = (
    ("eligible_countries", _eligible_countries),
    ("min_partners", _min_partners),
    ("require_independent_partners", _independence),
    ("min_countries", _min_countries),
    ("min_member_state_partners", _min_member_state_partners),
    ("min_research_partners", _min_research_partners),
    ("min_sme_partners", _min_sme_partners),
    ("min_firm_partners", _min_firm_partners),
    ("min_fields_of_science", _min_fields_of_science),
    ("max_requested_per_proposal", _max_requested),
    ("max_partner_share", _max_partner_share),
)


def _minimum(
    code: CheckCode,
    rules: Mapping[str, object],
    counted: list[str],
    label: str,
    noun: tuple[str, str],
    *,
    listed_as: str = "counted",
    **extra: object,
) -> Check:
    """A `min_*` check over what `counted`; `noun` is (singular, plural) of what to add.

    Countries and fields are named in the message too; organisations only in the detail.
    """
    required = int(rules[code])
    found = len(counted)
    detail = {"required": required, "found": found, listed_as: counted, **extra}
    listing = f": {', '.join(counted)}" if counted and listed_as != "counted" else ""
    if found >= required:
        return Check(code, True, f"{label}: {found} found{listing} ({required} required).", detail)
    message = (
        f"Add {count_noun(required - found, *noun)} ({required} required, {found} found{listing})."
    )
    return Check(code, False, message, detail)


def _flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value)


def _cents(amount: Decimal) -> str:
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def _percent(fraction: Decimal) -> str:
    return f"{(fraction * 100).quantize(CENT, rounding=ROUND_HALF_UP)}%"
