"""A call's eligibility rules in plain language, for its page and its PDF (pure)."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from app.calls.rules.eligibility_rules import (
    PROGRAMME_PART_LABELS,
    OutsideMembers,
    validate_rules,
)
from app.calls.rules.wording import count_noun, money_text, plain_number

_GROUP_PHRASES = {
    "EU_MS": "an EU Member State",
    "HE_ASSOCIATED": "a Horizon Europe Associated Country",
    "CADSES": "the CADSES area",
}
def _consortium_sentence(rules: Mapping[str, Any]) -> str | None:
    partners = rules.get("min_partners")
    countries = rules.get("min_countries", 1)
    in_member_states = rules.get("min_member_state_partners", 0)
    sentence = None
    if partners:
        sentence = f"At least {count_noun(partners, 'partner', 'partners')}"
        if countries > 1:
            sentence += f" from at least {countries} different countries"
    elif countries > 1:
        sentence = f"Partners from at least {countries} different countries"
    if in_member_states and sentence:
        sentence += (
            ", at least one of them in an EU Member State"
            if in_member_states == 1
            else f", at least {in_member_states} of them in EU Member States"
        )
    elif in_member_states:
        sentence = (
            "At least 1 partner in an EU Member State"
            if in_member_states == 1
            else f"At least {in_member_states} partners in EU Member States"
        )
    return sentence


def _countries_sentence(rules: Mapping[str, Any]) -> str | None:
    groups = rules.get("eligible_countries")
    part = rules.get("programme_part")
    if groups is None:
        return None if part is None else f"The call is part of {PROGRAMME_PART_LABELS[part]}"
    codes = groups.split("+")
    places = " or ".join(_GROUP_PHRASES[g] for g in codes)
    outside = rules.get("outside_members", OutsideMembers.ALLOWED_NOT_COUNTED)
    if outside == OutsideMembers.NOT_ALLOWED:
        sentence = f"Partners must be established in {places}"
    else:
        sentence = (
            f"Partners count toward the minimums when established in {places} on the deadline"
        )
    if part is not None and "HE_ASSOCIATED" in codes:
        sentence += (
            f"; an Associated Country counts only if its association covers "
            f"{PROGRAMME_PART_LABELS[part]}"
        )
    elif part is not None:
        sentence += f"; the call is part of {PROGRAMME_PART_LABELS[part]}"
    return sentence


def _outside_sentence(rules: Mapping[str, Any]) -> str | None:
    """What organisations from other countries may do (Regulation (EU) 2021/695 Art. 22-23)."""
    if "eligible_countries" not in rules:
        return None
    outside = rules.get("outside_members", OutsideMembers.ALLOWED_NOT_COUNTED)
    if outside == OutsideMembers.NOT_ALLOWED:
        return None  # "Partners must be established in ..." already says it
    if outside == OutsideMembers.ALLOWED_FUNDED:
        return ("Organisations established elsewhere may take part and may be funded, "
                "but count toward no minimum")
    return ("Organisations established elsewhere may take part, but count toward no minimum "
            "and receive no funding")


def describe_rules(doc: Mapping[str, Any], *, max_per_proposal_currency: str = "EUR") -> list[str]:
    """One plain-language sentence per rule (partners, countries and Member States combined).

    Validates `doc` first (RulesError if invalid); minima of 0 say nothing and are left out."""
    rules = validate_rules(doc)
    sentences = [_consortium_sentence(rules), _countries_sentence(rules),
                 _outside_sentence(rules)]
    for key, singular, plural in (
        (
            "min_research_partners",
            "research organisation (research centre or university)",
            "research organisations (research centres or universities)",
        ),
        (
            "min_sme_partners",
            "SME (small or medium-sized enterprise)",
            "SMEs (small or medium-sized enterprises)",
        ),
        (
            "min_firm_partners",
            "firm (private for-profit company)",
            "firms (private for-profit companies)",
        ),
    ):
        if rules.get(key):
            sentences.append(f"At least {count_noun(rules[key], singular, plural)}")
    if "min_fields_of_science" in rules:
        fields = rules["min_fields_of_science"]
        kind = "fields" if rules["field_level"] == 1 else "subfields"
        sentences.append(
            f"At least {count_noun(fields, 'field', 'different fields')} of science "
            f"(OECD Frascati {kind})"
        )
    if "max_partner_share" in rules:
        percent = plain_number(Decimal(rules["max_partner_share"]) * 100)
        sentences.append(f"No partner may request more than {percent} % of the grant")
    if "max_requested_per_proposal" in rules:
        amount = Decimal(rules["max_requested_per_proposal"])
        sentences.append(
            f"Requested grant at most {money_text(amount, max_per_proposal_currency)}"
        )
    if rules.get("require_independent_partners"):
        sentences.append("Entities under common control may all take part and count as one "
                         "partner (ownership by the same public body is not control)")

    return [sentence for sentence in sentences if sentence]
