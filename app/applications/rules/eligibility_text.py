"""The words of an eligibility report: what each check found and what to do (pure).

Written only for a report someone reads; screening reads the outcomes alone. `tally` is
the engine's eligibility.Tally (members and units) and `member` its eligibility.Member; this
module imports neither, so that the engine can import it."""

from decimal import ROUND_HALF_UP, ROUND_UP, Decimal
from functools import lru_cache

from app.applications.rules.eligibility_report import Check, CheckCode, Note, NoteKind
from app.calls.rules.countries import COUNTRY_GROUPS, ineligibility_reason, parse_groups
from app.calls.rules.eligibility_rules import OutsideMembers
from app.calls.rules.wording import count_noun, join_names, money_text

CENT = Decimal("0.01")

# (label when met, (singular, plural) of what to add) per minimum.
_MINIMUM_WORDS = {
    CheckCode.MIN_MEMBER_STATE_PARTNERS: (
        "Partners in EU Member States",
        ("partner established in an EU Member State", "partners established in EU Member States"),
    ),
    CheckCode.MIN_RESEARCH_PARTNERS: (
        "Research organisations",
        ("research organisation (a research centre or a university)",
         "research organisations (research centres or universities)"),
    ),
    CheckCode.MIN_SME_PARTNERS: ("SMEs", ("SME", "SMEs")),
    CheckCode.MIN_FIRM_PARTNERS: (
        "Companies", ("private company (SME or not)", "private companies (SMEs or not)")),
}
_ASIDE_NOTES = {
    "associated_partner": (
        NoteKind.ASSOCIATED_PARTNER,
        "associated partner: takes part, signs nothing, receives nothing; counts toward no "
        "minimum",
    ),
    "subcontractor": (
        NoteKind.SUBCONTRACTOR,
        "subcontractor named in the application: counts toward no minimum; no requested grant",
    ),
}


def render(tally, outcomes: tuple[tuple[str, bool], ...], currency: str):
    """(checks, notes) of a judged consortium, in the order of its outcomes."""
    checks = tuple(_WRITERS[code](tally, passed, currency) for code, passed in outcomes)
    return checks, _notes(tally)


@lru_cache(maxsize=1024)
def _reason(country: str, expression: str, on, programme_part) -> str:
    return ineligibility_reason(country, expression, on=on, programme_part=programme_part) or ""


@lru_cache(maxsize=64)
def _groups(expression: str) -> tuple[list[str], str]:
    groups = list(parse_groups(expression))
    return groups, " or ".join(COUNTRY_GROUPS[g] for g in groups)


def _eligible_countries(tally, passed: bool, currency: str) -> Check:
    rules = tally.ruleset.rules
    expression, part = str(rules["eligible_countries"]), rules.get("programme_part")
    groups, labels = _groups(expression)
    policy = tally.ruleset.outside
    reasons = [(m, _reason(m.country, expression, tally.ruleset.on, part))
               for m in tally.outside]
    detail = {
        "groups": list(groups),
        "outside_members": str(policy),
        "outside": [{"key": m.key, "name": m.name, "country": m.country, "reason": reason}
                    for m, reason in reasons],
    }
    code = CheckCode.ELIGIBLE_COUNTRIES
    if not reasons:
        return Check(code, True, f"No member is established outside the {labels}.", detail)
    named = "; ".join(f"{m.label}: {reason}" for m, reason in reasons)
    if not passed:
        return Check(code, False, "Replace or remove the members outside the eligible "
                     f"countries: this call does not allow them ({named}).", detail)
    funding = "may be funded" if policy == OutsideMembers.ALLOWED_FUNDED else "no funding"
    who = count_noun(len(reasons), "member takes", "members take")
    return Check(code, True, f"{who} part from outside the {labels}; they count toward no "
                 f"minimum; {funding} ({named}).", detail)


def _minimum(code: str, passed: bool, required: int, counted: list[str], label: str,
             noun: tuple[str, str], *, listed_as: str = "counted", **extra) -> Check:
    """A `min_*` check over what was counted; countries and fields are named in the message
    too, organisations only in the detail."""
    found = len(counted)
    detail = {"required": required, "found": found, listed_as: counted, **extra}
    listing = f": {', '.join(counted)}" if counted and listed_as != "counted" else ""
    if passed:
        return Check(code, True, f"{label}: {found} found{listing} ({required} required).", detail)
    message = (
        f"Add {count_noun(required - found, *noun)} ({required} required, {found} found{listing})."
    )
    return Check(code, False, message, detail)


def _min_partners(tally, passed: bool, currency: str) -> Check:
    adjective = "independent " if tally.ruleset.independent else ""
    noun = (f"{adjective}partner", f"{adjective}partners")
    counted = tally.unit_names()
    code = CheckCode.MIN_PARTNERS
    return _minimum(code, passed, tally.ruleset.minimums[code], counted,
                    noun[1].capitalize(), noun)


def _min_countries(tally, passed: bool, currency: str) -> Check:
    noun = ("partner from another country", "partners from other countries")
    code = CheckCode.MIN_COUNTRIES
    return _minimum(code, passed, tally.ruleset.minimums[code], tally.countries(), "Countries",
                    noun, listed_as="countries")


def _counted_minimum(code: str):
    label, noun = _MINIMUM_WORDS[code]

    def write(tally, passed: bool, currency: str) -> Check:
        counted = tally.unit_names(code)
        return _minimum(code, passed, tally.ruleset.minimums[code], counted, label, noun)

    return write


def _min_fields(tally, passed: bool, currency: str) -> Check:
    level = tally.ruleset.field_level
    if level == 1:
        label, noun = "Fields of science", ("field of science (FORD)", "fields of science (FORD)")
    else:
        label, noun = "FORD subfields", ("FORD subfield", "FORD subfields")
    code = CheckCode.MIN_FIELDS_OF_SCIENCE
    return _minimum(code, passed, tally.ruleset.minimums[code], tally.fields(), label, noun,
                    listed_as="fields", level=level)


def _max_requested(tally, passed: bool, currency: str) -> Check:
    cap, total = tally.ruleset.cap, tally.requested()
    detail = {"cap": _cents(cap), "requested": _cents(total)}
    code = CheckCode.MAX_REQUESTED_PER_PROPOSAL
    if passed:
        message = (f"The consortium requests {money_text(total, currency)} of at most "
                   f"{money_text(cap, currency)}.")
        return Check(code, True, message, detail)
    detail["excess"] = _cents(total - cap)
    return Check(code, False, f"Reduce the requested amount by "
                 f"{money_text(total - cap, currency)}.", detail)


def _max_partner_share(tally, passed: bool, currency: str) -> Check:
    """No member may request more than the share; each reduction is rounded up to the cent."""
    limit, total = tally.ruleset.share_limit, tally.requested()
    detail: dict = {"max_share": str(limit), "requested": _cents(total), "over": []}
    code = CheckCode.MAX_PARTNER_SHARE
    if passed:
        message = f"No member requests over {_percent(limit)} of the total."
        return Check(code, True, "Nothing is requested yet." if total <= 0 else message, detail)
    advice = []
    for member in tally.over_share():
        # Cutting a request by d also cuts the total by d, hence the division by (1 - limit);
        # each figure assumes the other requests stay as they are.
        reduce_by = ((member.requested_amount - limit * total) / (1 - limit)).quantize(
            CENT, rounding=ROUND_UP)
        share = member.requested_amount / total
        detail["over"].append(
            {"key": member.key, "share": _percent(share), "reduce_by": _cents(reduce_by)})
        advice.append(f"Reduce {member.label}'s request by {money_text(reduce_by, currency)} "
                      f"(now {_percent(share)} of the total, at most {_percent(limit)} allowed)")
    return Check(code, False, "; ".join(advice) + ".", detail)


_WRITERS = {
    CheckCode.ELIGIBLE_COUNTRIES: _eligible_countries,
    CheckCode.MIN_PARTNERS: _min_partners,
    CheckCode.MIN_COUNTRIES: _min_countries,
    **{code: _counted_minimum(code) for code in _MINIMUM_WORDS},
    CheckCode.MIN_FIELDS_OF_SCIENCE: _min_fields,
    CheckCode.MAX_REQUESTED_PER_PROPOSAL: _max_requested,
    CheckCode.MAX_PARTNER_SHARE: _max_partner_share,
}


def _notes(tally) -> tuple[Note, ...]:
    """Who takes part without counting, and who counts together with others."""
    notes = []
    if tally.outside and tally.ruleset.outside != OutsideMembers.NOT_ALLOWED:
        funding = ("may be funded" if tally.ruleset.outside == OutsideMembers.ALLOWED_FUNDED
                   else "no funding")
        for member in tally.outside:
            notes.append(Note(NoteKind.OUTSIDE_COUNTRIES, (member.key,),
                              f"{member.label} ({member.country}) takes part; counts toward no "
                              f"minimum; {funding}."))
    for member in tally.aside:
        kind, text = _ASIDE_NOTES[member.role]
        notes.append(Note(kind, (member.key,), f"{member.label}: {text}."))
    for unit in tally.linked_units():
        keys = tuple(dict.fromkeys(member.key for member in unit))
        names = join_names(list(dict.fromkeys(member.label for member in unit)))
        notes.append(Note(NoteKind.LINKED, keys, f"{names} are under common control: they all "
                          "take part and count as one partner."))
    return tuple(notes)


def _cents(amount: Decimal) -> str:
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def _percent(fraction: Decimal) -> str:
    return f"{(fraction * 100).quantize(CENT, rounding=ROUND_HALF_UP)}%"
