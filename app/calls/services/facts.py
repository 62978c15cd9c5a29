"""What an applicant needs to know about a call, as labelled facts: the one source of the
call page's key facts and of the call document (PDF), so the two never disagree."""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext

from app.calls.labels import CALL_KIND_NAMES, ICT_CATEGORY_NAMES
from app.calls.models import Call
from app.calls.rules import wording
from app.calls.rules.finance import FundingRates, PaymentModel
from app.calls.rules.lifecycle import CallKind
from app.core.classifications import ORG_TYPE_LABELS
from app.core.formatting import local_datetime, money
from app.core.i18n import translate


def percent_text(rate: Decimal) -> str:
    """"70 %" in English (the rules' wording), as the page's language writes it elsewhere."""
    return translate(wording.percent_text(rate))


def join_names(names: list[str]) -> str:
    """"A, B and C" in English, joined with the page's language's own words elsewhere."""
    return translate(wording.join_names(names))


@dataclass(frozen=True)
class Fact:
    key: str  # the row's id on the page
    label: str
    value: str


def _funding_rates(call: Call) -> str:
    rates = FundingRates.from_dict(call.funding_rates or {})
    exceptions = [f"{ORG_TYPE_LABELS.get(code, code)}: {percent_text(rate)}"
                  for code, rate in rates.by_org_type]
    if not exceptions:
        return _("%(rate)s of eligible costs for every organisation",
                 rate=percent_text(rates.default))
    return _("%(rate)s of eligible costs; %(exceptions)s", rate=percent_text(rates.default),
             exceptions="; ".join(exceptions))


def _payments(call: Call) -> list[Fact]:
    model = PaymentModel.from_dict(call.payment_model or {})
    return [
        Fact("prefinancing", _("Pre-financing"),
             _("%(rate)s of the grant at signature, less the retention of %(retention)s "
               "(paid back with the balance)", rate=percent_text(model.prefinancing_rate),
               retention=percent_text(model.retention_rate))),
        Fact("payment-ceiling", _("Payments before the final claim"),
             ngettext("%(num)d interim payment after approved claims; pre-financing and "
                      "interim payments together stay within %(ceiling)s of the grant, the "
                      "rest is the balance paid after the final claim",
                      "%(num)d interim payments after approved claims; pre-financing and "
                      "interim payments together stay within %(ceiling)s of the grant, the "
                      "rest is the balance paid after the final claim",
                      model.interim_count, ceiling=percent_text(model.ceiling_rate))),
    ]


def _documents(call: Call) -> str:
    names = [doc["name"] if doc.get("mandatory", True)
             else _("%(document)s (optional)", document=doc["name"])
             for doc in call.required_attachments]
    return join_names(names) if names else _("None")


def call_facts(call: Call) -> list[Fact]:
    """Every fact an applicant needs, in human words, in the order the page shows them."""
    facts = [
        Fact("kind", _("Kind"), str(CALL_KIND_NAMES.get(call.kind, call.kind))),
        Fact("opens", _("Opens"), local_datetime(call.opens_at, call.timezone)),
        Fact("deadline", _("Deadline"), local_datetime(call.closes_at, call.timezone)),
        Fact("budget", _("Total budget"), money(call.budget_amount, call.currency)),
        Fact("max-per-proposal", _("Maximum per proposal"),
             money(call.max_per_proposal_amount, call.currency)),
    ]
    if call.kind == CallKind.GRANT:
        facts += [
            Fact("funding-rates", _("Funding rates"), _funding_rates(call)),
            Fact("indirect-rate", _("Indirect costs"),
                 _("%(rate)s of direct costs other than subcontracting, added to the eligible "
                   "costs", rate=percent_text(Decimal(call.indirect_rate)))),
            *_payments(call),
        ]
    if call.de_minimis:
        facts.append(Fact(
            "state-aid", _("State aid"),
            _("Granted under de minimis aid, Regulation (EU) 2023/2831: each beneficiary's "
              "share must fit in the EUR 300,000 its undertaking may receive over three "
              "rolling years, counting the de minimis aid it declares")))
    if call.ict_categories:
        facts.append(Fact("ict-categories", _("ICT categories"), join_names(
            [str(ICT_CATEGORY_NAMES.get(code, code)) for code in call.ict_categories])))
    if call.open_source_preference:
        facts.append(Fact("open-source", _("Open source"),
                          _("Open-source solutions are preferred")))
    if call.strategic_areas:
        facts.append(Fact("strategic-areas", _("Strategic areas"),
                          join_names(call.strategic_areas)))
    facts.append(Fact("documents", _("Documents to attach"), _documents(call)))
    return facts
