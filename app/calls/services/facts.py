"""What an applicant needs to know about a call, as labelled facts: the one source of the
call page's key facts and of the call document (PDF), so the two never disagree."""

from dataclasses import dataclass
from decimal import Decimal

from app.calls.models import Call
from app.calls.rules.finance import ICT_CATEGORY_LABELS, FundingRates, PaymentModel
from app.calls.rules.lifecycle import CallKind
from app.calls.rules.wording import count_noun, join_names, percent_text
from app.core.classifications import ORG_TYPE_LABELS
from app.core.formatting import local_datetime, money


@dataclass(frozen=True)
class Fact:
    key: str  # the row's id on the page
    label: str
    value: str


def _funding_rates(call: Call) -> str:
    rates = FundingRates.from_dict(call.funding_rates or {})
    exceptions = [f"{ORG_TYPE_LABELS.get(code, code)}: {percent_text(rate)}"
                  for code, rate in rates.by_org_type]
    text = f"{percent_text(rates.default)} of eligible costs"
    return f"{text}; {'; '.join(exceptions)}" if exceptions else f"{text} for every organisation"


def _payments(call: Call) -> list[Fact]:
    model = PaymentModel.from_dict(call.payment_model or {})
    interim = count_noun(model.interim_count, "interim payment", "interim payments")
    return [
        Fact("prefinancing", "Pre-financing",
             f"{percent_text(model.prefinancing_rate)} of the grant at signature, less the "
             f"retention of {percent_text(model.retention_rate)} (paid back with the balance)"),
        Fact("payment-ceiling", "Payments before the final claim",
             f"{interim} after approved claims; pre-financing and interim payments together "
             f"stay within {percent_text(model.ceiling_rate)} of the grant, the rest is the "
             "balance paid after the final claim"),
    ]


def _documents(call: Call) -> str:
    names = [doc["name"] + ("" if doc.get("mandatory", True) else " (optional)")
             for doc in call.required_attachments]
    return join_names(names) if names else "None"


def call_facts(call: Call) -> list[Fact]:
    """Every fact an applicant needs, in human words, in the order the page shows them."""
    facts = [
        Fact("kind", "Kind", "Grant call" if call.kind == CallKind.GRANT else "Tender"),
        Fact("opens", "Opens", local_datetime(call.opens_at, call.timezone)),
        Fact("deadline", "Deadline", local_datetime(call.closes_at, call.timezone)),
        Fact("budget", "Total budget", money(call.budget_amount, call.currency)),
        Fact("max-per-proposal", "Maximum per proposal",
             money(call.max_per_proposal_amount, call.currency)),
    ]
    if call.kind == CallKind.GRANT:
        facts += [
            Fact("funding-rates", "Funding rates", _funding_rates(call)),
            Fact("indirect-rate", "Indirect costs",
                 f"{percent_text(Decimal(call.indirect_rate))} of direct costs other than "
                 "subcontracting, added to the eligible costs"),
            *_payments(call),
        ]
    if call.ict_categories:
        facts.append(Fact("ict-categories", "ICT categories", join_names(
            [ICT_CATEGORY_LABELS.get(code, code) for code in call.ict_categories])))
    if call.open_source_preference:
        facts.append(Fact("open-source", "Open source", "Open-source solutions are preferred"))
    if call.strategic_areas:
        facts.append(Fact("strategic-areas", "Strategic areas", join_names(call.strategic_areas)))
    facts.append(Fact("documents", "Documents to attach", _documents(call)))
    return facts
