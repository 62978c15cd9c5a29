"""Call use cases: edit, codify rules and criteria, move through the lifecycle, list and find."""

import json
import re
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import available_timezones

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import Role, User
from app.calls.models import Call
from app.calls.rules.criteria import CriteriaError, validate_criteria
from app.calls.rules.eligibility_rules import RulesError, validate_rules
from app.calls.rules.finance import ICTCategory, PaymentModel, validate_rate
from app.calls.rules.lifecycle import (
    CallAction,
    CallKind,
    CallStatus,
    allowed_actions,
    transition,
)
from app.calls.services import deadlines
from app.calls.services.languages import copy_translations, default_main_language
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.core.i18n import translate

PER_PAGE = 20
DEFINITION_FORMAT = "opencall.call-definition/1"
REFERENCE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
CURRENCIES = ("EUR", "CZK", "HUF", "PLN", "RON", "BGN", "SEK", "DKK", "CHF", "GBP")
TIMEZONES = sorted(zone for zone in available_timezones() if zone.startswith("Europe/"))


# --- who may do what ----------------------------------------------------------------------


def can_manage(user: User, call: Call) -> bool:
    """Programme officers of the owning funder manage its calls; admins manage all."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.has_role(Role.admin) or user.is_staff_of(call.funder_id, Role.programme_officer)


def get_call_to_manage(reference: str, *, by: User) -> Call:
    call = find_call(reference)
    if call is None or not can_manage(by, call):
        raise NotFound(_("No call with this reference among yours."))
    return call


def find_call(reference: str) -> Call | None:
    return db.session.scalar(
        select(Call).options(joinedload(Call.funder)).where(Call.reference == reference))


def get_public_call(reference: str, *, viewer: User | None = None) -> Call:
    """A call visitors may read: anything but a draft (which only its managers see)."""
    call = find_call(reference)
    if call is None or (call.status == CallStatus.DRAFT and not can_manage(viewer, call)):
        raise NotFound(_("No published call with this reference."))
    return call


def may_be_offered_to_apply(viewer: User | None, call: Call) -> bool:
    """Whether the call page offers "Apply": to visitors (who sign in first) and applicants,
    never to the staff of the funder that runs the call."""
    if viewer is None:
        return True
    return viewer.has_role(Role.applicant) and not viewer.is_staff_of(call.funder_id)


def has_submissions(call: Call) -> bool:
    return call.first_submission_at is not None


def mark_submitted(call: Call, at: datetime) -> None:
    """Record that the call has received a submission.

    A plain conditional UPDATE, not an ORM change: it neither bumps the call's version (which
    would make concurrent submissions conflict) nor touches the row after the first time.
    """
    db.session.execute(
        update(Call).where(Call.id == call.id, Call.first_submission_at.is_(None))
        .values(first_submission_at=at).execution_options(synchronize_session=False))
    if call.first_submission_at is None:
        set_committed_value(call, "first_submission_at", at)


# --- editing ------------------------------------------------------------------------------


def _check_fields(fields: dict[str, Any]) -> None:
    if fields.get("de_minimis") and fields["currency"] != "EUR":
        raise DomainError(_("De minimis aid is counted in euro: choose EUR, or untick de "
                            "minimis."), field="de_minimis")
    if fields["closes_at"] <= fields["opens_at"]:
        raise DomainError(_("The deadline must come after the opening."), field="closes_at")
    if fields["max_per_proposal_amount"] > fields["budget_amount"]:
        raise DomainError(_("The maximum per proposal cannot exceed the total budget."),
                          field="max_per_proposal_amount")


def _reference_taken(reference: str, call_id: int | None = None) -> bool:
    query = select(Call.id).where(Call.reference == reference)
    if call_id is not None:
        query = query.where(Call.id != call_id)
    return db.session.scalar(query) is not None


def create_call(fields: dict[str, Any], *, by: User) -> Call:
    if not by.is_staff_of(by.funder_id, Role.programme_officer):
        raise Forbidden(_("Only programme officers of a funder create calls."))
    _check_fields(fields)
    if _reference_taken(fields["reference"]):
        raise DomainError(_("Another call already has this reference."), field="reference")
    fields = {"main_language": default_main_language(), **fields}
    call = Call(funder_id=by.funder_id, status=CallStatus.DRAFT, **fields)
    db.session.add(call)
    db.session.flush()
    audit.record(by, "call.created", call, {"reference": call.reference})
    return call


def _refuse_when_stale(call: Call, version: int | None) -> None:
    if version is not None and version != call.version:
        raise Conflict(_("Someone else saved this call meanwhile. Reload the page to see "
                         "their changes; your input is still in the form."))


def update_call(call: Call, fields: dict[str, Any], *, by: User, version: int | None,
                deadline_reason: str = "", now: datetime | None = None) -> Call:
    now = now or utcnow()
    _refuse_when_stale(call, version)
    _check_fields(fields)
    if _reference_taken(fields["reference"], call.id):
        raise DomainError(_("Another call already has this reference."), field="reference")
    if call.status not in (CallStatus.DRAFT, CallStatus.PUBLISHED):
        raise Conflict(_("A call under evaluation can no longer be edited."))
    deadlines.refuse_unfair_dates(call, fields, reason=deadline_reason, now=now)
    if has_submissions(call):
        _refuse_changes_that_affect_submissions(call, fields)
    changed = {key: str(value) for key, value in fields.items() if getattr(call, key) != value}
    old_closes_at = call.closes_at
    for key, value in fields.items():
        setattr(call, key, value)
    db.session.flush()
    audit.record(by, "call.updated", call, {"changed": sorted(changed)})
    deadlines.record_deadline_move(call, old_closes_at, reason=deadline_reason, by=by, now=now)
    return call


# Once proposals are in, only the wording may change; the dates and the notice are judged by
# services/deadlines.py (an earlier deadline needs a reason, notice and an e-mail).
_TEXT_FIELDS = {"title", "summary", "body", "strategic_areas", "closes_at",
                "deadline_notice_days"}


def _same_value(key: str, old: Any, new: Any) -> bool:
    """Equal as the form can express it: minutes for times, numbers for rates."""
    if key in ("opens_at", "closes_at"):
        return old.replace(second=0, microsecond=0) == new.replace(second=0, microsecond=0)
    if key == "indirect_rate":
        return Decimal(old) == Decimal(new)
    if key == "funding_rates":
        def numbers(rates):
            return (Decimal(rates.get("default", "1")),
                    {k: Decimal(v) for k, v in rates.get("by_org_type", {}).items()})
        return numbers(old) == numbers(new)
    return old == new


def _refuse_changes_that_affect_submissions(call: Call, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if key in _TEXT_FIELDS or _same_value(key, getattr(call, key), value):
            continue
        raise DomainError(_("Proposals have been submitted: only the texts and the deadline "
                            "can change."), field=key)


def rules_locked_reason(call: Call) -> str | None:
    """Why the call's rules and criteria can no longer change, or None while they can: the
    editors show them read-only with this reason before anyone tries."""
    if has_submissions(call):
        return _("Proposals have been submitted: the rules and criteria can no longer change, "
                 "since applicants were checked and will be scored against them.")
    return None


def locked_call_fields(call: Call) -> frozenset[str]:
    """The call form's fields that can no longer change (all but the texts and deadline)."""
    if not has_submissions(call):
        return frozenset()
    return frozenset(_LOCKABLE_FIELDS) - _TEXT_FIELDS


_LOCKABLE_FIELDS = ("reference", "kind", "ict_categories", "open_source_preference",
                    "de_minimis", "currency", "budget_amount", "max_per_proposal_amount",
                    "funding_rates", "indirect_rate", "timezone", "opens_at",
                    "required_attachments")


def _refuse_rule_changes_after_submission(call: Call) -> None:
    if reason := rules_locked_reason(call):
        raise Conflict(reason)


def set_rules(call: Call, document: dict, *, by: User, version: int | None) -> Call:
    _refuse_when_stale(call, version)
    _refuse_rule_changes_after_submission(call)
    try:
        call.eligibility_rules = validate_rules(document)
    except RulesError as error:
        raise RulesInvalid(error.errors) from None
    db.session.flush()
    audit.record(by, "call.rules_set", call, {"rules": call.eligibility_rules})
    return call


def set_criteria(call: Call, document: dict, *, by: User, version: int | None) -> Call:
    _refuse_when_stale(call, version)
    _refuse_rule_changes_after_submission(call)
    try:
        call.award_criteria = validate_criteria(document, call_kind=CallKind(call.kind))
    except CriteriaError as error:
        raise RulesInvalid(error.errors) from None
    db.session.flush()
    audit.record(by, "call.criteria_set", call, {"criteria": call.award_criteria})
    return call


class RulesInvalid(DomainError):
    """A rules or criteria document with problems, one message per field key."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Please correct the fields marked below."))
        # The pure rules' Messages, said in the officer's language.
        self.errors = {key: translate(message) for key, message in errors.items()}


def missing_for_publication(call: Call) -> list[str]:
    missing = []
    if not call.eligibility_rules:
        missing.append(_("eligibility rules"))
    if not call.award_criteria:
        missing.append(_("award criteria"))
    if not call.budget_amount:
        missing.append(_("a budget"))
    if not (call.opens_at and call.closes_at):
        missing.append(_("opening and closing dates"))
    return missing


def allowed_call_actions(call: Call, now: datetime) -> tuple[CallAction, ...]:
    return allowed_actions(CallStatus(call.status), opens_at=call.opens_at,
                           closes_at=call.closes_at, now=now,
                           has_submissions=has_submissions(call))


def change_status(call: Call, action: CallAction, *, by: User, now: datetime | None = None) -> Call:
    if action == CallAction.PUBLISH_RESULTS:
        # Publishing results freezes the ranking and tells every applicant: the ranking
        # page does all of it; a bare status change would leave the call stuck.
        raise Conflict(_("Publish the results from the call's ranking page."))
    if action == CallAction.PUBLISH and (missing := missing_for_publication(call)):
        raise Conflict(_("The call cannot be published without %(missing)s.",
                         missing=", ".join(missing)))
    now = now or utcnow()
    try:
        new_status = transition(CallStatus(call.status), action, opens_at=call.opens_at,
                                closes_at=call.closes_at, now=now,
                                has_submissions=has_submissions(call))
    except ValueError as error:
        raise Conflict(str(error)) from None
    old_status = call.status
    call.status = new_status
    if action == CallAction.PUBLISH:
        call.published_at = now
    db.session.flush()
    audit.record(by, f"call.{action.value}", call, {"from": old_status, "to": new_status})
    return call


# --- copy and exchange ---------------------------------------------------------------------

_DEFINITION_FIELDS = ("kind", "title", "summary", "body", "strategic_areas", "ict_categories",
                      "open_source_preference", "de_minimis", "currency", "funding_rates",
                      "indirect_rate", "payment_model", "timezone", "eligibility_rules",
                      "award_criteria", "required_attachments")
_DEFINITION_MONEY = ("budget_amount", "max_per_proposal_amount")
_DEFINITION_TIMES = ("opens_at", "closes_at")


def export_definition(call: Call) -> dict:
    definition = {"format": DEFINITION_FORMAT, "reference": call.reference}
    definition.update({key: getattr(call, key) for key in _DEFINITION_FIELDS})
    definition.update({key: str(getattr(call, key)) for key in _DEFINITION_MONEY})
    definition.update({key: getattr(call, key).isoformat() for key in _DEFINITION_TIMES})
    return definition


def duplicate_call(call: Call, *, by: User) -> Call:
    definition = export_definition(call)
    definition["reference"] = _free_copy_reference(call.reference)
    definition["title"] = _("Copy of %(title)s", title=call.title)[:300]
    copy = import_definition(definition, by=by)
    copy_translations(call, copy)
    audit.record(by, "call.duplicated", copy, {"from": call.reference})
    return copy


def _free_copy_reference(reference: str) -> str:
    for n in range(1, 1000):
        suffix = f"-COPY{n}"
        candidate = reference[: 40 - len(suffix)] + suffix
        if not _reference_taken(candidate):
            return candidate
    raise Conflict(_("Too many copies of this call already."))


def import_definition(definition: Any, *, by: User) -> Call:
    """A new draft from an exported definition, validated field by field."""
    if not isinstance(definition, dict) or definition.get("format") != DEFINITION_FORMAT:
        raise DomainError(_("This is not an OpenCall call definition (%(format)s).",
                            format=DEFINITION_FORMAT),
                          field="definition")
    unknown = set(definition) - {"format", "reference", *_DEFINITION_FIELDS,
                                 *_DEFINITION_MONEY, *_DEFINITION_TIMES}
    if unknown:
        raise DomainError(_("Unknown keys: %(keys)s.", keys=", ".join(sorted(unknown))),
                          field="definition")
    try:
        # Definitions exported before calls had the setting are not de minimis calls.
        definition = {"de_minimis": False, **definition}
        fields = {key: definition[key] for key in ("reference", *_DEFINITION_FIELDS)}
        fields.update({key: Decimal(str(definition[key])).quantize(Decimal("0.01"))
                       for key in _DEFINITION_MONEY})
        fields.update({key: datetime.fromisoformat(definition[key]) for key in _DEFINITION_TIMES})
        fields["eligibility_rules"] = validate_rules(fields["eligibility_rules"])
        fields["award_criteria"] = validate_criteria(fields["award_criteria"],
                                                     call_kind=CallKind(fields["kind"]))
    except (KeyError, ValueError, ArithmeticError, TypeError) as error:
        raise DomainError(_("The definition is not valid: %(problem)s", problem=error),
                          field="definition") from None
    if any(fields[key].tzinfo is None for key in _DEFINITION_TIMES):
        raise DomainError(_("Dates in the definition need a time zone offset."),
                          field="definition")
    if problem := _definition_problem(fields):
        raise DomainError(_("The definition is not valid: %(problem)s", problem=problem),
                          field="definition")
    call = create_call(fields, by=by)
    audit.record(by, "call.imported", call, {"reference": call.reference})
    return call


def _definition_problem(fields: dict[str, Any]) -> str | None:
    """What the editor's form would refuse, checked again for an imported definition."""
    if not isinstance(fields["reference"], str) or not REFERENCE_PATTERN.match(
            fields["reference"]):
        return _("the reference must be capital letters, digits and dashes (at most 40).")
    if fields["kind"] not in set(CallKind):
        return _("unknown kind %(kind)r.", kind=fields["kind"])
    if fields["timezone"] not in TIMEZONES:
        return _("unknown time zone %(zone)r.", zone=fields["timezone"])
    if not isinstance(fields["de_minimis"], bool):
        return _("de_minimis must be true or false.")
    if fields["de_minimis"] and fields["currency"] != "EUR":
        return _("de minimis aid is counted in euro: a de minimis call pays in EUR.")
    if fields["currency"] not in CURRENCIES:
        return _("unsupported currency %(currency)r.", currency=fields["currency"])
    if not set(fields["ict_categories"]) <= {category.value for category in ICTCategory}:
        return _("unknown ICT categories.")
    if not all(isinstance(area, str) for area in fields["strategic_areas"]):
        return _("strategic areas must be texts.")
    documents = fields["required_attachments"]
    if not all(isinstance(doc, dict) and set(doc) == {"code", "name", "mandatory"}
               for doc in documents):
        return _("each required attachment needs a code, a name and a mandatory flag.")
    try:
        validate_rate(fields["indirect_rate"], "indirect_rate")
        rates = fields["funding_rates"]
        for rate in [rates.get("default", "1"), *rates.get("by_org_type", {}).values()]:
            validate_rate(rate, "funding rate")
        if fields["payment_model"]:
            PaymentModel.from_dict(fields["payment_model"])
    except (ValueError, TypeError, AttributeError) as error:
        return str(error)
    return None


def parse_definition_file(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DomainError(_("The file is not JSON: %(problem)s", problem=error),
                          field="definition") from None
