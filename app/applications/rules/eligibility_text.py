"""The words of an eligibility report: what each check found and what to do (pure).

Written only for a report someone reads; screening reads the outcomes alone. `tally` is
the engine's eligibility.Tally (members and units) and `member` its eligibility.Member; this
module imports neither, so that the engine can import it."""

from decimal import ROUND_HALF_UP, ROUND_UP, Decimal
from functools import lru_cache

from app.applications.rules.eligibility_report import Check, CheckCode, Note, NoteKind
from app.calls.rules.countries import group_names, ineligibility_reason, parse_groups
from app.calls.rules.eligibility_rules import OutsideMembers
from app.calls.rules.wording import join_names, money_text
from app.core.rules.messages import N_, Message, Nn_, Percent, Plural, Series

CENT = Decimal("0.01")

# Every sentence is a Message (app/core/rules/messages.py): English here, said in the
# reader's language at the edge. (label when met, what to add: singular and plural) per minimum.
_MINIMUM_WORDS = {
    CheckCode.MIN_MEMBER_STATE_PARTNERS: (
        N_("Partners in EU Member States"),
        Nn_("%(num)d partner established in an EU Member State",
            "%(num)d partners established in EU Member States"),
    ),
    CheckCode.MIN_RESEARCH_PARTNERS: (
        N_("Research organisations"),
        Nn_("%(num)d research organisation (a research centre or a university)",
            "%(num)d research organisations (research centres or universities)"),
    ),
    CheckCode.MIN_SME_PARTNERS: (N_("SMEs"), Nn_("%(num)d SME", "%(num)d SMEs")),
    CheckCode.MIN_FIRM_PARTNERS: (
        N_("Companies"), Nn_("%(num)d private company (SME or not)",
                             "%(num)d private companies (SMEs or not)")),
}
_ASIDE_NOTES = {
    "associated_partner": (
        NoteKind.ASSOCIATED_PARTNER,
        N_("%(member)s: associated partner: takes part, signs nothing, receives nothing; "
           "counts toward no minimum."),
    ),
    "subcontractor": (
        NoteKind.SUBCONTRACTOR,
        N_("%(member)s: subcontractor named in the application: counts toward no minimum; no "
           "requested grant."),
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
def _groups(expression: str) -> tuple[list[str], Message]:
    groups = list(parse_groups(expression))
    return groups, group_names(groups)


# Labels and counts repeat across consortia: one shared Message each keeps the objects a
# report allocates (and the garbage collector's work over a benchmark of thousands) down.
@lru_cache(maxsize=64)
def _label(label: str) -> Message:
    return Message(label)


@lru_cache(maxsize=1024)
def _count(noun: tuple[str, str], count: int) -> Plural:
    return Plural(noun, count)


@lru_cache(maxsize=8)
def _funding(policy) -> Message:
    return Message(N_("may be funded") if policy == OutsideMembers.ALLOWED_FUNDED
                   else N_("no funding"))


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
        return Check(code, True, Message(N_("No member is established outside the %(groups)s."),
                                         groups=labels), detail)
    named = Series([Message(N_("%(member)s: %(reason)s"), member=m.label, reason=reason)
                    for m, reason in reasons], "; ")
    if not passed:
        return Check(code, False, Message(
            N_("Replace or remove the members outside the eligible countries: this call does "
               "not allow them (%(members)s)."), members=named), detail)
    return Check(code, True, Plural(
        Nn_("%(num)d member takes part from outside the %(groups)s; they count toward no "
            "minimum; %(funding)s (%(members)s).",
            "%(num)d members take part from outside the %(groups)s; they count toward no "
            "minimum; %(funding)s (%(members)s)."),
        len(reasons), groups=labels, funding=_funding(policy), members=named), detail)


def _minimum(code: str, passed: bool, required: int, counted: list[str], label: str,
             noun: tuple[str, str], *, listed_as: str = "counted", **extra) -> Check:
    """A `min_*` check over what was counted; countries and fields are named in the message
    too, organisations only in the detail. `noun` is the (singular, plural) of what to add."""
    found = len(counted)
    detail = {"required": required, "found": found, listed_as: counted, **extra}
    numbers = {"found": found, "required": required}
    if counted and listed_as != "counted":
        numbers["listing"] = ", ".join(counted)
        if passed:
            return Check(code, True, Message(
                N_("%(label)s: %(found)d found: %(listing)s (%(required)d required)."),
                label=_label(label), **numbers), detail)
        return Check(code, False, Message(
            N_("Add %(missing)s (%(required)d required, %(found)d found: %(listing)s)."),
            missing=_count(noun, required - found), **numbers), detail)
    if passed:
        return Check(code, True, Message(N_("%(label)s: %(found)d found (%(required)d required)."),
                                         label=_label(label), **numbers), detail)
    return Check(code, False, Message(N_("Add %(missing)s (%(required)d required, %(found)d "
                                         "found)."),
                                      missing=_count(noun, required - found), **numbers), detail)


def _min_partners(tally, passed: bool, currency: str) -> Check:
    if tally.ruleset.independent:
        label = N_("Independent partners")
        noun = Nn_("%(num)d independent partner", "%(num)d independent partners")
    else:
        label, noun = N_("Partners"), Nn_("%(num)d partner", "%(num)d partners")
    code = CheckCode.MIN_PARTNERS
    return _minimum(code, passed, tally.ruleset.minimums[code], tally.unit_names(), label, noun)


def _min_countries(tally, passed: bool, currency: str) -> Check:
    noun = Nn_("%(num)d partner from another country", "%(num)d partners from other countries")
    code = CheckCode.MIN_COUNTRIES
    return _minimum(code, passed, tally.ruleset.minimums[code], tally.countries(),
                    N_("Countries"), noun, listed_as="countries")


def _counted_minimum(code: str):
    label, noun = _MINIMUM_WORDS[code]

    def write(tally, passed: bool, currency: str) -> Check:
        counted = tally.unit_names(code)
        return _minimum(code, passed, tally.ruleset.minimums[code], counted, label, noun)

    return write


def _min_fields(tally, passed: bool, currency: str) -> Check:
    level = tally.ruleset.field_level
    if level == 1:
        label = N_("Fields of science")
        noun = Nn_("%(num)d field of science (FORD)", "%(num)d fields of science (FORD)")
    else:
        label, noun = N_("FORD subfields"), Nn_("%(num)d FORD subfield", "%(num)d FORD subfields")
    code = CheckCode.MIN_FIELDS_OF_SCIENCE
    return _minimum(code, passed, tally.ruleset.minimums[code], tally.fields(), label, noun,
                    listed_as="fields", level=level)


def _max_requested(tally, passed: bool, currency: str) -> Check:
    cap, total = tally.ruleset.cap, tally.requested()
    detail = {"cap": _cents(cap), "requested": _cents(total)}
    code = CheckCode.MAX_REQUESTED_PER_PROPOSAL
    if passed:
        message = Message(N_("The consortium requests %(requested)s of at most %(cap)s."),
                          requested=money_text(total, currency), cap=money_text(cap, currency))
        return Check(code, True, message, detail)
    detail["excess"] = _cents(total - cap)
    return Check(code, False, Message(N_("Reduce the requested amount by %(excess)s."),
                                      excess=money_text(total - cap, currency)), detail)


def _max_partner_share(tally, passed: bool, currency: str) -> Check:
    """No member may request more than the share; each reduction is rounded up to the cent."""
    limit, total = tally.ruleset.share_limit, tally.requested()
    detail: dict = {"max_share": str(limit), "requested": _cents(total), "over": []}
    code = CheckCode.MAX_PARTNER_SHARE
    if passed:
        if total <= 0:
            return Check(code, True, Message(N_("Nothing is requested yet.")), detail)
        return Check(code, True, Message(N_("No member requests over %(limit)s of the total."),
                                         limit=_percent(limit)), detail)
    advice = []
    for member in tally.over_share():
        # Cutting a request by d also cuts the total by d, hence the division by (1 - limit);
        # each figure assumes the other requests stay as they are.
        reduce_by = ((member.requested_amount - limit * total) / (1 - limit)).quantize(
            CENT, rounding=ROUND_UP)
        share = member.requested_amount / total
        detail["over"].append(
            {"key": member.key, "share": _percent(share), "reduce_by": _cents(reduce_by)})
        advice.append(Message(
            N_("Reduce %(member)s's request by %(amount)s (now %(share)s of the total, at "
               "most %(limit)s allowed)"), member=member.label,
            amount=money_text(reduce_by, currency), share=_percent(share), limit=_percent(limit)))
    return Check(code, False, Message(N_("%(advice)s."), advice=Series(advice, "; ")), detail)


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
        funding = _funding(tally.ruleset.outside)
        for member in tally.outside:
            notes.append(Note(NoteKind.OUTSIDE_COUNTRIES, (member.key,), Message(
                N_("%(member)s (%(country)s) takes part; counts toward no minimum; "
                   "%(funding)s."), member=member.label, country=member.country,
                funding=funding)))
    for member in tally.aside:
        kind, template = _ASIDE_NOTES[member.role]
        notes.append(Note(kind, (member.key,), Message(template, member=member.label)))
    for unit in tally.linked_units():
        keys = tuple(dict.fromkeys(member.key for member in unit))
        names = join_names(list(dict.fromkeys(member.label for member in unit)))
        notes.append(Note(NoteKind.LINKED, keys, Message(
            N_("%(names)s are under common control: they all take part and count as one "
               "partner."), names=names)))
    return tuple(notes)


def _cents(amount: Decimal) -> str:
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def _percent(fraction: Decimal) -> Percent:
    return Percent(fraction, f"{(fraction * 100).quantize(CENT, rounding=ROUND_HALF_UP)}%")
