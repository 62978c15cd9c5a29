"""Consortium eligibility: every rule of a call checked against a consortium (pure; design 4).

Regulation (EU) 2021/695 Art. 22 (reference.md 1): any entity may take part; the minimums
count independent beneficiaries established in the eligible countries on the deadline.
A call's rules are compiled once (`compile_rules`: country sets, minimums, flags); a
consortium is then judged in one pass over its members, and the messages are written only
when a report is read (eligibility_text.py)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache, partial
from operator import attrgetter

from app.applications.rules.eligibility_report import CheckCode, EligibilityReport
from app.applications.rules.eligibility_text import render
from app.calls.rules.countries import EU_MEMBER_STATES, eligible_set, normalise_country
from app.calls.rules.eligibility_rules import OutsideMembers

RESEARCH_ORG_TYPES = frozenset({"REC", "HES"})
FIRM_ORG_TYPE = "PRC"
# Roles that take part without being beneficiaries: an associated partner signs nothing and
# receives nothing; a subcontractor named in the application works for a beneficiary.
NON_COUNTING_ROLES = frozenset({"associated_partner", "subcontractor"})
_ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class Member:
    """One organisation of a consortium; the country is normalised to ISO (EL->GR, UK->GB).

    `controller` is the key of the organisation that controls it (> 50 % of capital or
    votes, or de-facto decision power). `public_owner` says that controller is a public
    body or public investor: owning two entities is then not control (reference.md 1), so
    it links the entity only to that owner, never to the owner's other entities."""

    key: str
    name: str
    country: str
    org_type: str
    is_sme: bool = False
    fields_of_science: tuple[str, ...] = ()
    role: str = "partner"
    controller: str | None = None
    requested_amount: Decimal = _ZERO
    public_owner: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "country", normalise_country(self.country))
        if type(self.fields_of_science) is not tuple:
            object.__setattr__(self, "fields_of_science", tuple(self.fields_of_science))
        amount = self.requested_amount
        if type(amount) is not Decimal:
            if isinstance(amount, float):
                raise TypeError("requested_amount must be a Decimal, int or str, never a float")
            amount = Decimal(amount)
            object.__setattr__(self, "requested_amount", amount)
        if amount < 0:  # shares of a total only make sense for amounts >= 0
            raise ValueError("requested_amount cannot be negative")

    @property
    def label(self) -> str:
        return self.name or self.key


class RuleSet:
    """A call's rules document, read once: what each consortium is then measured against."""

    __slots__ = ("rules", "on", "countries", "outside", "independent", "minimums",
                 "field_level", "cap", "share_limit", "order", "_tests")

    def __init__(self, rules: Mapping[str, object], on: date | None):
        self.rules = dict(rules)
        self.on = on
        expression = rules.get("eligible_countries")
        # None: every country counts. Otherwise the countries that count on the deadline.
        self.countries = None if expression is None else eligible_set(
            str(expression), on=on, programme_part=_text(rules.get("programme_part")))
        # validate_rules always writes the setting (Art. 22(1) by default); a document that
        # does not say keeps the meaning documents had before it existed: not allowed.
        outside = rules.get("outside_members")
        self.outside = OutsideMembers(outside) if outside else OutsideMembers.NOT_ALLOWED
        self.independent = _flag(rules.get("require_independent_partners"))
        self.minimums = {code: int(rules[code]) for code in _MINIMUM_CODES
                         if rules.get(code) is not None}
        self.field_level = int(rules.get("field_level") or 1)
        if self.field_level not in (1, 2):
            raise ValueError(f"field_level must be 1 or 2, not {self.field_level!r}")
        cap = rules.get("max_requested_per_proposal")
        self.cap = None if cap is None else Decimal(str(cap))
        share = rules.get("max_partner_share")
        self.share_limit = None if share is None else Decimal(str(share))
        self.order = tuple(code for code in _ORDER if rules.get(code) is not None)
        self._tests = tuple((code, _TESTS[code](self)) for code in self.order)

    def counts_in(self, country: str) -> bool:
        """Whether an organisation established in `country` counts toward the minimums."""
        return self.countries is None or normalise_country(country) in self.countries

    def funds(self, country: str, role: str) -> bool:
        """Whether the participant may request a grant (Art. 23: not outside the eligible
        countries unless the call says so; never an associated partner or subcontractor)."""
        if role in NON_COUNTING_ROLES:
            return False
        return self.counts_in(country) or self.outside == OutsideMembers.ALLOWED_FUNDED

    def check(self, members: Sequence[Member], *, currency: str = "EUR") -> EligibilityReport:
        tally = Tally(self, members)
        outcomes = tuple([(code, passes(tally)) for code, passes in self._tests])
        return EligibilityReport.deferred(outcomes, lambda: render(tally, outcomes, currency))


_MINIMUM_CODES = ("min_partners", "min_countries", "min_member_state_partners",
                  "min_research_partners", "min_sme_partners", "min_firm_partners",
                  "min_fields_of_science")
_ORDER = ("eligible_countries", *_MINIMUM_CODES, "max_requested_per_proposal",
          "max_partner_share")


@lru_cache(maxsize=256)
def _compiled(items: frozenset, on: date | None) -> RuleSet:
    return RuleSet(dict(items), on)


def compile_rules(rules: Mapping[str, object], *, on: date | None = None) -> RuleSet:
    """The rules compiled for consortia judged on `on` (the deadline's day in the call's zone).

    Compiled rule sets are immutable and depend only on their arguments, so they are kept."""
    try:
        return _compiled(frozenset(rules.items()), on)
    except TypeError:  # an unhashable value (e.g. a list): compile without keeping it
        return RuleSet(rules, on)


def check_eligibility(
    members: Sequence[Member],
    rules: Mapping[str, object],
    *,
    on: date | None = None,
    currency: str = "EUR",
) -> EligibilityReport:
    """Run every rule present in `rules` (none stops the others) and report each one.

    Members outside `eligible_countries`, associated partners and subcontractors count
    toward no minimum; with `require_independent_partners`, organisations linked by control
    form one unit that counts once in every minimum (as a research partner, SME, ... if any
    of its organisations is one); a key repeated in `members` always counts once."""
    return compile_rules(rules, on=on).check(members, currency=currency)


class Tally:
    """One pass over the members: who counts, who is outside, who is aside, and the units."""

    __slots__ = ("ruleset", "members", "counted", "outside", "aside", "simple", "unit_count",
                 "country_set", "member_states", "_units", "_countries")

    def __init__(self, ruleset: RuleSet, members: Sequence[Member]):
        self.ruleset = ruleset
        self.members = members
        countries = ruleset.countries
        counted: dict[str, Member] = {}
        outside: list[Member] = []
        aside: list[Member] = []
        country_set: set[str] = set()
        member_states = 0
        repeated = linked = False
        # Locals, not globals: this loop is most of the time spent judging a consortium.
        aside_roles, eu, everywhere = NON_COUNTING_ROLES, EU_MEMBER_STATES, countries is None
        for member in members:
            if member.role in aside_roles:
                aside.append(member)
                continue
            country, key = member.country, member.key
            if not everywhere and country not in countries:
                outside.append(member)
            elif key in counted:
                repeated = True
            else:
                counted[key] = member
                # What the common checks need, gathered on the way (exact when each member
                # is its own unit; otherwise the units are grouped and counted below).
                country_set.add(country)
                if country in eu:
                    member_states += 1
                if member.controller is not None:
                    linked = True
        self.counted = counted
        self.outside = outside
        self.aside = aside
        # The common case: each counted member is its own unit, so no grouping is needed.
        self.simple = not repeated and not (linked and ruleset.independent)
        self.country_set = country_set
        self.member_states = member_states
        self._units: list[tuple[Member, ...]] | None = None
        self._countries: list[str] | None = None
        self.unit_count = len(counted) if self.simple else len(self.units)

    @property
    def units(self) -> list[tuple[Member, ...]]:
        if self._units is None:
            self._units = ([(member,) for member in self.counted.values()] if self.simple
                           else self._group())
        return self._units

    def _group(self) -> list[tuple[Member, ...]]:
        """Units: the counted members merged by key and, with the independence rule, by
        control (transitively: the same controller, or one controls the other)."""
        parent: dict[str, str] = {}

        def root(key: str) -> str:
            parent.setdefault(key, key)
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        members = [m for m in self.members if m.key in self.counted]
        keys = self.counted.keys()
        if self.ruleset.independent:
            for member in members:
                owner = member.controller
                # A public owner links its entity to itself only when it takes part.
                if owner is not None and (not member.public_owner or owner in keys):
                    parent[root(member.key)] = root(owner)
        groups: dict[str, list[Member]] = {}
        for member in members:
            groups.setdefault(root(member.key), []).append(member)
        return [tuple(group) for group in groups.values()]

    def units_where(self, qualifies) -> list[tuple[Member, ...]]:
        return [unit for unit in self.units if any(qualifies(member) for member in unit)]

    def unit_names(self, code: str | None = None) -> list[str]:
        """Each counted unit ("P1", or "P2+P3" when linked), or those that count for a `min_*`
        check (member state, research, SME, firm)."""
        qualifies = QUALIFIERS[code] if code is not None else None
        if self.simple:
            return [key for key, member in self.counted.items()
                    if qualifies is None or qualifies(member)]
        units = self.units if qualifies is None else self.units_where(qualifies)
        return ["+".join(dict.fromkeys(member.key for member in unit)) for unit in units]

    def linked_units(self) -> list[tuple[Member, ...]]:
        """Units of two or more organisations under common control."""
        if self.simple:
            return []
        return [unit for unit in self.units if len({member.key for member in unit}) > 1]

    def countries(self) -> list[str]:
        """Countries that distinct units can represent, one each (a bipartite matching).

        A unit of linked organisations in several countries stands for only one of them;
        the matching picks the choice that covers the most countries."""
        if self._countries is None:
            self._countries = self._match_countries()
        return self._countries

    def country_count(self) -> int:
        return len(self.country_set) if self.simple else len(self.countries())

    def _match_countries(self) -> list[str]:
        if self.simple:
            return sorted(self.country_set)
        options = [sorted({m.country for m in unit}) for unit in self.units]
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

    def fields(self) -> list[str]:
        level = self.ruleset.field_level
        found = {_field_at_level(code, level) for member in self.counted.values()
                 for code in member.fields_of_science} - {None}
        return sorted(found, key=lambda code: [int(p) if p.isdigit() else 0
                                               for p in code.split(".")])

    def requested(self) -> Decimal:
        return sum((m.requested_amount for m in self.members), _ZERO)

    def over_share(self) -> list[Member]:
        total, limit = self.requested(), self.ruleset.share_limit
        return [m for m in self.members if total > 0 and m.requested_amount > limit * total]


def _field_at_level(code: str, level: int) -> str | None:
    """FORD code at `level`: "2.2" is "2" at level 1; a level-1 code has no level-2 value."""
    parts = code.strip().split(".")
    return ".".join(parts[:level]) if len(parts) >= level and parts[0] else None


# What each `min_*` check looks at: (attribute, test of its value). Tests are C-level
# callables so that counting a consortium runs no Python function per member.
_QUALITIES = {
    CheckCode.MIN_MEMBER_STATE_PARTNERS: ("country", EU_MEMBER_STATES.__contains__),
    CheckCode.MIN_RESEARCH_PARTNERS: ("org_type", RESEARCH_ORG_TYPES.__contains__),
    CheckCode.MIN_SME_PARTNERS: ("is_sme", bool),
    CheckCode.MIN_FIRM_PARTNERS: ("org_type", FIRM_ORG_TYPE.__eq__),
}


def _qualifier(attribute: str, test):
    def qualifies(member: Member) -> bool:
        return bool(test(getattr(member, attribute)))

    return qualifies


QUALIFIERS = {code: _qualifier(*quality) for code, quality in _QUALITIES.items()}


# Each check's test is built once per rule set, with its minimum bound in: judging a
# consortium then looks nothing up.
def _countable(code: str, ruleset: RuleSet):
    required = ruleset.minimums[code]
    attribute, test = _QUALITIES[code]
    value_of, qualifies = attrgetter(attribute), QUALIFIERS[code]

    def passes(tally: Tally) -> bool:
        if tally.simple:  # count members directly; no unit lists are built
            if code == CheckCode.MIN_MEMBER_STATE_PARTNERS:
                return tally.member_states >= required  # counted during the pass
            return sum(map(test, map(value_of, tally.counted.values()))) >= required
        return len(tally.units_where(qualifies)) >= required

    return passes


def _countries_test(ruleset: RuleSet):
    refused = ruleset.outside == OutsideMembers.NOT_ALLOWED
    return lambda t: not (refused and t.outside)


def _minimum_test(code: str, measure):
    def build(ruleset: RuleSet):
        required = ruleset.minimums[code]
        return lambda t: measure(t) >= required

    return build


def _cap_test(ruleset: RuleSet):
    cap = ruleset.cap
    return lambda t: t.requested() <= cap


_TESTS = {
    CheckCode.ELIGIBLE_COUNTRIES: _countries_test,
    CheckCode.MIN_PARTNERS: _minimum_test("min_partners", lambda t: t.unit_count),
    CheckCode.MIN_COUNTRIES: _minimum_test("min_countries", Tally.country_count),
    **{code: partial(_countable, code) for code in _QUALITIES},
    CheckCode.MIN_FIELDS_OF_SCIENCE: _minimum_test("min_fields_of_science",
                                                   lambda t: len(t.fields())),
    CheckCode.MAX_REQUESTED_PER_PROPOSAL: _cap_test,
    CheckCode.MAX_PARTNER_SHARE: lambda ruleset: lambda t: not t.over_share(),
}


def _flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
