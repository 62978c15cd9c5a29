"""A call's eligibility-rules document: validation, presets and plain language (pure)."""

from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from app.calls.rules.countries import (
    ASSOCIATED_COUNTRIES,
    CADSES,
    COUNTRY_GROUPS,
    EU_MEMBER_STATES,
    PROGRAMME_PARTS,
    parse_groups,
)
from app.core.rules.messages import N_, Message, Nn_, Plural


class OutsideMembers(StrEnum):
    """What happens to members established outside a call's eligible countries.

    Regulation (EU) 2021/695 Art. 22(1): any legal entity may take part; those outside the
    Member States and Associated Countries count toward no minimum and, per Art. 23, are
    funded only when the call says so. Art. 22(5): a call may refuse them altogether."""

    ALLOWED_NOT_COUNTED = "allowed_not_counted"  # the Horizon Europe default
    ALLOWED_FUNDED = "allowed_funded"  # the call funds them exceptionally (Art. 23)
    NOT_ALLOWED = "not_allowed"  # a call limited to its countries or area (Art. 22(5))


OUTSIDE_MEMBERS_LABELS = {
    OutsideMembers.ALLOWED_NOT_COUNTED: "May take part; count toward no minimum; no funding",
    OutsideMembers.ALLOWED_FUNDED: "May take part and be funded; count toward no minimum",
    OutsideMembers.NOT_ALLOWED: "Not allowed: only the eligible countries may take part",
}


class RulesError(ValueError):
    """The document has problems; `errors` maps each key to a message for its form field."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{key}: {message}" for key, message in self.errors.items()))


@dataclass(frozen=True, slots=True)
class Preset:
    """A named starting document; `document` is read-only, validate it to get a plain dict."""

    label: str
    description: str
    document: Mapping[str, Any]


def freeze(value: Any) -> Any:
    """A read-only copy of a JSON-like value, so that presets cannot be edited in place."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value


# Far above any grant or score, and small enough for Decimal's default 28-digit context.
LARGEST_NUMBER = Decimal(10) ** 15


def read_whole_number(value: Any) -> int:
    """An int from an int or a string of digits; ValueError with a form message otherwise."""
    if isinstance(value, bool):
        raise ValueError(Message(N_("Enter a whole number.")))
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().removeprefix("-").isdecimal():
        return int(value.strip())
    raise ValueError(Message(N_("Enter a whole number.")))


def read_decimal(value: Any, *, places: int) -> Decimal:
    """A finite Decimal with at most `places` decimals, from str, int or Decimal (never float).

    Extra decimals are refused rather than rounded, so the officer sees what is stored."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(Message(N_("Enter a number.")))
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValueError(Message(N_("Enter a number."))) from None
    if not number.is_finite():
        raise ValueError(Message(N_("Enter a number.")))
    if abs(number) >= LARGEST_NUMBER:
        raise ValueError(Message(N_("Enter a smaller number.")))
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(Message(N_("Use at most %(places)d decimal places."), places=places))
    return number


def whole_number_between(low: int, high: int | None = None) -> Callable[[Any], int]:
    """A reader for a whole number in low..high (no upper bound when high is None)."""

    def read(value: Any) -> int:
        number = read_whole_number(value)
        if high is None and number < low:
            raise ValueError(Message(N_("Enter %(low)d or more."), low=low))
        if high is not None and not low <= number <= high:
            raise ValueError(Message(N_("Enter a whole number from %(low)d to %(high)d."),
                                     low=low, high=high))
        return number

    return read


def _read_groups(value: Any) -> str:
    if isinstance(value, Sequence) and not isinstance(value, str):
        if not all(isinstance(item, str) for item in value):
            raise ValueError(Message(N_("Choose country groups by their codes.")))
        value = "+".join(value)
    if not isinstance(value, str):
        raise ValueError(Message(N_("Choose at least one country group.")))
    # One canonical order, so that the stored expression can be matched in SQL.
    chosen = set(parse_groups(value))
    return "+".join(group for group in COUNTRY_GROUPS if group in chosen)


def _read_programme_part(value: Any) -> str:
    if value not in PROGRAMME_PARTS:
        raise ValueError(Message(N_("Choose one of: %(parts)s."),
                                 parts=", ".join(PROGRAMME_PARTS)))
    return value


def _read_field_level(value: Any) -> int:
    level = read_whole_number(value)
    if level not in (1, 2):
        raise ValueError(Message(N_("Choose 1 (fields) or 2 (subfields).")))
    return level


def _read_max_requested(value: Any) -> str:
    amount = read_decimal(value, places=2)
    if amount <= 0:
        raise ValueError(Message(N_("Enter an amount above zero.")))
    return str(amount.quantize(Decimal("0.01")))


def _read_share(value: Any) -> str:
    share = read_decimal(value, places=4)
    if not 0 < share <= 1:
        raise ValueError(Message(N_("Enter a share above 0 and at most 1 (e.g. 0.60 for 60 %).")))
    return str(share.quantize(Decimal("0.0001")))


def _read_outside_members(value: Any) -> str:
    if value not in set(OutsideMembers):
        raise ValueError(Message(N_("Choose whether members from other countries may take part.")))
    return str(value)


def _read_flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(Message(N_("Choose yes or no.")))
    return value


# Key order here is the order of the stored document and of describe_rules.
_READERS = {
    "min_partners": whole_number_between(1),
    "min_countries": whole_number_between(1),
    "min_member_state_partners": whole_number_between(0),
    "eligible_countries": _read_groups,
    "outside_members": _read_outside_members,
    "programme_part": _read_programme_part,
    "min_research_partners": whole_number_between(0),
    "min_sme_partners": whole_number_between(0),
    "min_firm_partners": whole_number_between(0),
    "min_fields_of_science": whole_number_between(1),
    "field_level": _read_field_level,
    "max_requested_per_proposal": _read_max_requested,
    "max_partner_share": _read_share,
    "require_independent_partners": _read_flag,
}
RULE_KEYS = tuple(_READERS)

# OECD Frascati Manual 2015 (FORD): 6 fields, 42 subfields (reference.md 4).
FORD_FIELD_COUNT = {1: 6, 2: 42}

_GROUP_MEMBERS = {
    "EU_MS": EU_MEMBER_STATES,
    "HE_ASSOCIATED": frozenset(ASSOCIATED_COUNTRIES),
    "CADSES": CADSES,
}


def _cross_field_errors(rules: Mapping[str, Any], invalid: Set[str]) -> dict[str, str]:
    """Combinations that no consortium could satisfy, or that contradict each other.

    `invalid` keys already have their own error and are missing from `rules`."""
    errors: dict[str, str] = {}
    partners = rules.get("min_partners")
    if partners is not None:
        for key, template in (
            ("min_countries", N_("Cannot ask for more countries than partners (%(partners)d).")),
            ("min_member_state_partners",
             N_("Cannot ask for more partners in EU Member States than partners "
                "(%(partners)d).")),
            ("min_research_partners",
             N_("Cannot ask for more research organisations than partners (%(partners)d).")),
            ("min_sme_partners", N_("Cannot ask for more SMEs than partners (%(partners)d).")),
            ("min_firm_partners", N_("Cannot ask for more firms than partners (%(partners)d).")),
        ):
            if rules.get(key, 0) > partners:
                errors[key] = Message(template, partners=partners)
        # Research organisations (REC/HES) and firms (PRC) are disjoint organisation types.
        research, firms = rules.get("min_research_partners", 0), rules.get("min_firm_partners", 0)
        already_wrong = {"min_research_partners", "min_firm_partners"} & errors.keys()
        if research and firms and not already_wrong and research + firms > partners:
            errors["min_firm_partners"] = Message(
                N_("%(research)s and %(firms)s need more than %(partners)d partners."),
                research=Plural(Nn_("%(num)d research organisation",
                                    "%(num)d research organisations"), research),
                firms=Plural(Nn_("%(num)d firm", "%(num)d firms"), firms), partners=partners)
    groups = rules.get("eligible_countries")
    if groups is not None:
        members = frozenset().union(*(_GROUP_MEMBERS[g] for g in groups.split("+")))
        if rules.get("min_member_state_partners", 0) > 0 and not members & EU_MEMBER_STATES:
            errors.setdefault(
                "min_member_state_partners",
                Message(N_("The eligible country groups contain no EU Member State.")),
            )
        if rules.get("min_countries", 0) > len(members):
            errors.setdefault(
                "min_countries",
                Message(N_("The eligible country groups contain only %(count)d countries."),
                        count=len(members)),
            )
    fields = rules.get("min_fields_of_science")
    if fields is None and "field_level" in rules and "min_fields_of_science" not in invalid:
        errors["field_level"] = Message(N_("Set a minimum number of fields of science first."))
    elif fields is not None:
        level = rules.get("field_level", 1)
        if fields > FORD_FIELD_COUNT[level]:
            errors["min_fields_of_science"] = Message(
                N_("There are only %(count)d fields of science.") if level == 1
                else N_("There are only %(count)d subfields of science."),
                count=FORD_FIELD_COUNT[level])
    return errors


def validate_rules(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The normalised document, or RulesError listing every problem at once.

    Keys with None (blank form fields) are dropped; field_level defaults to 1 when a
    minimum of fields is set. Amounts are refused, not rounded, beyond 2 decimals."""
    if not isinstance(doc, Mapping):
        raise RulesError({"rules": Message(N_("The eligibility rules must be a JSON object."))})
    errors: dict[str, str] = {}
    rules: dict[str, Any] = {}
    for key in doc:
        if key not in _READERS:
            errors[str(key)] = Message(N_("Unknown rule."))
    for key, read in _READERS.items():
        if doc.get(key) is None:
            continue
        try:
            rules[key] = read(doc[key])
        except ValueError as problem:  # the Message itself, not str() of the error
            errors[key] = problem.args[0] if problem.args else str(problem)
    if "min_fields_of_science" in rules and doc.get("field_level") is None:
        rules["field_level"] = 1
    if "eligible_countries" in rules and doc.get("outside_members") is None:
        rules["outside_members"] = str(OutsideMembers.ALLOWED_NOT_COUNTED)  # Art. 22(1)
    elif "outside_members" in rules and "eligible_countries" not in rules \
            and "eligible_countries" not in errors:
        errors["outside_members"] = Message(N_("Choose the eligible countries first."))
    for key, message in _cross_field_errors(rules, errors.keys()).items():
        errors.setdefault(key, message)
    if errors:
        raise RulesError(errors)
    return rules


RULE_PRESETS: Mapping[str, Preset] = MappingProxyType(
    {
        "horizon_europe": Preset(
            "Horizon Europe standard",
            "Regulation (EU) 2021/695, Art. 22(2): at least 3 independent entities from 3 "
            "different Member States or Associated Countries, at least one in a Member State; "
            "entities from elsewhere may take part but count toward no minimum (Art. 22(1)).",
            freeze(
                {
                    "min_partners": 3,
                    "min_countries": 3,
                    "min_member_state_partners": 1,
                    "eligible_countries": "EU_MS+HE_ASSOCIATED",
                    "outside_members": OutsideMembers.ALLOWED_NOT_COUNTED.value,
                    "require_independent_partners": True,
                }
            ),
        ),
        "ict_aggregation": Preset(
            "Transnational ICT aggregation",
            "Firms and research organisations from at least 2 EU countries working across "
            "at least 2 fields of science; only EU organisations may take part.",
            freeze(
                {
                    "min_partners": 2,
                    "min_countries": 2,
                    "eligible_countries": "EU_MS",
                    "outside_members": OutsideMembers.NOT_ALLOWED.value,
                    "min_research_partners": 1,
                    "min_firm_partners": 1,
                    "min_fields_of_science": 2,
                    "field_level": 1,
                }
            ),
        ),
        "interreg_central_europe": Preset(
            "Interreg CENTRAL EUROPE",
            "At least 3 financing partners from at least 3 countries. The programme also asks "
            "for at least 2 partners in the programme area, which has no country group yet: "
            "check it by hand.",
            freeze({"min_partners": 3, "min_countries": 3}),
        ),
    }
)

PROGRAMME_PART_LABELS = {
    "pillar_i": "Pillar I (Excellent Science)",
    "pillar_ii": "Pillar II (Global Challenges and European Industrial Competitiveness)",
    "pillar_iii": "Pillar III (Innovative Europe)",
    "eic_fund": "the EIC Fund",
    "other": "another part of Horizon Europe",
}
