"""A call's eligibility rules in plain language, for its page and its PDF (pure).

Each sentence is a Message (app/core/rules/messages.py): English here, said in the reader's
language at the edge."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from app.calls.rules.eligibility_rules import (
    PROGRAMME_PART_LABELS,
    OutsideMembers,
    validate_rules,
)
from app.calls.rules.wording import money_text, plain_number
from app.core.rules.messages import N_, Message, NameList, Nn_, Percent, Plural

_GROUP_PHRASES = {
    "EU_MS": N_("an EU Member State"),
    "HE_ASSOCIATED": N_("a Horizon Europe Associated Country"),
    "CADSES": N_("the CADSES area"),
}


def _consortium_sentence(rules: Mapping[str, Any]) -> Message | None:
    """Partners, countries and Member States in one sentence: each combination is one
    template, so that a translation can order its words freely."""
    partners = rules.get("min_partners")
    countries = rules.get("min_countries", 1)
    in_member_states = rules.get("min_member_state_partners", 0)
    if partners:
        head = Plural(Nn_("At least %(num)d partner", "At least %(num)d partners"), partners)
        if countries > 1:
            head = Plural(Nn_("At least %(num)d partner from at least %(countries)d different "
                              "countries",
                              "At least %(num)d partners from at least %(countries)d different "
                              "countries"), partners, countries=countries)
    elif countries > 1:
        head = Message(N_("Partners from at least %(countries)d different countries"),
                       countries=countries)
    else:
        head = None
    if in_member_states and head:
        if in_member_states == 1:
            return Message(N_("%(partners)s, at least one of them in an EU Member State"),
                           partners=head)
        return Message(N_("%(partners)s, at least %(count)d of them in EU Member States"),
                       partners=head, count=in_member_states)
    if in_member_states:
        return Plural(Nn_("At least %(num)d partner in an EU Member State",
                          "At least %(num)d partners in EU Member States"), in_member_states)
    return head


def _countries_sentence(rules: Mapping[str, Any]) -> Message | None:
    groups = rules.get("eligible_countries")
    part = rules.get("programme_part")
    # Programme parts are marked in calls/labels.py PROGRAMME_PART_NAMES.
    if groups is None:
        return None if part is None else Message(N_("The call is part of %(part)s"),
                                                 part=Message(PROGRAMME_PART_LABELS[part]))
    codes = groups.split("+")
    places = NameList([Message(_GROUP_PHRASES[g]) for g in codes], conjunction="or")
    outside = rules.get("outside_members", OutsideMembers.ALLOWED_NOT_COUNTED)
    if outside == OutsideMembers.NOT_ALLOWED:
        sentence = Message(N_("Partners must be established in %(places)s"), places=places)
    else:
        sentence = Message(N_("Partners count toward the minimums when established in "
                              "%(places)s on the deadline"), places=places)
    if part is not None and "HE_ASSOCIATED" in codes:
        return Message(N_("%(sentence)s; an Associated Country counts only if its association "
                          "covers %(part)s"), sentence=sentence,
                       part=Message(PROGRAMME_PART_LABELS[part]))
    if part is not None:
        return Message(N_("%(sentence)s; the call is part of %(part)s"), sentence=sentence,
                       part=Message(PROGRAMME_PART_LABELS[part]))
    return sentence


def _outside_sentence(rules: Mapping[str, Any]) -> Message | None:
    """What organisations from other countries may do (Regulation (EU) 2021/695 Art. 22-23)."""
    if "eligible_countries" not in rules:
        return None
    outside = rules.get("outside_members", OutsideMembers.ALLOWED_NOT_COUNTED)
    if outside == OutsideMembers.NOT_ALLOWED:
        return None  # "Partners must be established in ..." already says it
    if outside == OutsideMembers.ALLOWED_FUNDED:
        return Message(N_("Organisations established elsewhere may take part and may be "
                          "funded, but count toward no minimum"))
    return Message(N_("Organisations established elsewhere may take part, but count toward no "
                      "minimum and receive no funding"))


def describe_rules(doc: Mapping[str, Any], *,
                   max_per_proposal_currency: str = "EUR") -> list[Message]:
    """One plain-language sentence per rule (partners, countries and Member States combined).

    Validates `doc` first (RulesError if invalid); minima of 0 say nothing and are left out."""
    rules = validate_rules(doc)
    sentences = [_consortium_sentence(rules), _countries_sentence(rules),
                 _outside_sentence(rules)]
    for key, forms in (
        ("min_research_partners",
         Nn_("At least %(num)d research organisation (research centre or university)",
             "At least %(num)d research organisations (research centres or universities)")),
        ("min_sme_partners",
         Nn_("At least %(num)d SME (small or medium-sized enterprise)",
             "At least %(num)d SMEs (small or medium-sized enterprises)")),
        ("min_firm_partners",
         Nn_("At least %(num)d firm (private for-profit company)",
             "At least %(num)d firms (private for-profit companies)")),
    ):
        if rules.get(key):
            sentences.append(Plural(forms, rules[key]))
    if "min_fields_of_science" in rules:
        fields = rules["min_fields_of_science"]
        sentences.append(Plural(
            Nn_("At least %(num)d field of science (OECD Frascati fields)",
                "At least %(num)d different fields of science (OECD Frascati fields)")
            if rules["field_level"] == 1 else
            Nn_("At least %(num)d field of science (OECD Frascati subfields)",
                "At least %(num)d different fields of science (OECD Frascati subfields)"),
            fields))
    if "max_partner_share" in rules:
        share = Decimal(rules["max_partner_share"])
        percent = Percent(share, f"{plain_number(share * 100)} %")
        sentences.append(Message(N_("No partner may request more than %(percent)s of the "
                                    "grant"), percent=percent))
    if "max_requested_per_proposal" in rules:
        amount = Decimal(rules["max_requested_per_proposal"])
        sentences.append(Message(N_("Requested grant at most %(amount)s"),
                                 amount=money_text(amount, max_per_proposal_currency)))
    if rules.get("require_independent_partners"):
        sentences.append(Message(N_("Entities under common control may all take part and "
                                    "count as one partner (ownership by the same public body "
                                    "is not control)")))

    return [sentence for sentence in sentences if sentence]
