"""Call pages: the public list and detail, and the officers' editor."""

import json
from datetime import UTC
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import Role
from app.calls.forms import (
    MAX_TIE_BREAKS,
    CallForm,
    ConfirmForm,
    CriteriaForm,
    ImportForm,
    RulesForm,
)
from app.calls.labels import (
    CALL_ACTION_NAMES,
    CALL_KIND_NAMES,
    CALL_STATUS_NAMES,
    COST_CATEGORY_NAMES,
    COUNTRY_GROUP_NAMES,
    CRITERIA_PRESET_TEXTS,
    ICT_CATEGORY_NAMES,
    PHASE_NAMES,
    RULE_PRESET_TEXTS,
    TIE_BREAK_TEXTS,
    in_language,
)
from app.calls.rules.criteria import CRITERIA_PRESETS, TIE_BREAKS
from app.calls.rules.criteria_text import describe_criteria
from app.calls.rules.deadlines import DEFAULT_NOTICE_DAYS
from app.calls.rules.eligibility_rules import RULE_PRESETS
from app.calls.rules.eligibility_text import describe_rules
from app.calls.rules.finance import ICTCategory
from app.calls.rules.lifecycle import CallAction, CallKind, Phase
from app.calls.services import calls as services
from app.calls.services import listing, translations
from app.calls.services.facts import call_facts
from app.calls.views import OFFICERS, bp
from app.calls.views.translations import shown_texts
from app.core.access import public, requires
from app.core.database import utcnow
from app.core.extensions import db
from app.core.formatting import country_choices
from app.core.forms import errors_shown_on
from app.core.i18n import page_locale, translate
from app.core.pdf import render_pdf
from app.core.refused_token import reshows_form

IRREVERSIBLE = {CallAction.START_EVALUATION, CallAction.ARCHIVE}
# The presets and tie-breaks of the rules, named and described in the reader's language.
RULE_PRESETS_SHOWN = in_language(RULE_PRESETS, RULE_PRESET_TEXTS)
CRITERIA_PRESETS_SHOWN = in_language(CRITERIA_PRESETS, CRITERIA_PRESET_TEXTS)
TIE_BREAKS_SHOWN = in_language(TIE_BREAKS, TIE_BREAK_TEXTS)


def _page() -> int:
    return request.args.get("page", 1, type=int)


def _viewer():
    return current_user if current_user.is_authenticated else None


# --- public pages -------------------------------------------------------------------------


@bp.get("/")
@public
def index():
    filters = {key: request.args.get(key, "").strip()
               for key in ("q", "phase", "kind", "ict", "country")}
    calls = listing.list_public_calls(**filters, page=_page())
    return render_template(
        "calls/index.html", calls=calls, filters=filters, phases=list(Phase),
        kinds=list(CallKind), ict_categories=list(ICTCategory), countries=country_choices(),
        now=utcnow(), texts=translations.texts_for(calls.items, page_locale()))


def _plain_language(call) -> tuple[list[str], list[str]]:
    """The call's rules and criteria as sentences in the reader's language."""
    rules = describe_rules(call.eligibility_rules, max_per_proposal_currency=call.currency) \
        if call.eligibility_rules else []
    criteria = describe_criteria(call.award_criteria) if call.award_criteria else []
    return [translate(sentence) for sentence in rules], \
        [translate(sentence) for sentence in criteria]


@bp.get("/<reference>")
@public
def detail(reference: str):
    call = services.get_public_call(reference, viewer=_viewer())
    rules, criteria = _plain_language(call)
    now = utcnow()
    can_manage = services.can_manage(_viewer(), call)
    # Results are published from the ranking page, which freezes the ranking first.
    actions = tuple(action for action in services.allowed_call_actions(call, now)
                    if action != CallAction.PUBLISH_RESULTS) if can_manage else ()
    return render_template("calls/detail.html", call=call, rule_sentences=rules,
                           criteria_sentences=criteria, now=now, can_manage=can_manage,
                           actions=actions, action_labels=CALL_ACTION_NAMES,
                           irreversible=IRREVERSIBLE,
                           status_labels=CALL_STATUS_NAMES, links=_links(call),
                           facts=call_facts(call), **shown_texts(call))


def _links(call) -> dict[str, str]:
    """Where the call page sends applicants and officers next (other packages' pages)."""
    apply = url_for("applications.new", call=call.reference) \
        if services.may_be_offered_to_apply(_viewer(), call) else None
    return {"apply": apply,
            "applications": url_for("applications.call_applications", reference=call.reference),
            "evaluation": url_for("evaluation.call", call_id=call.id),
            "ranking": url_for("evaluation.ranking", call_id=call.id)}


@bp.get("/<reference>/call.pdf")
@public
def call_pdf(reference: str):
    call = services.get_public_call(reference, viewer=_viewer())
    rules, criteria = _plain_language(call)
    pdf = render_pdf("pdf/call.html", call=call, rule_sentences=rules,
                     criteria_sentences=criteria, generated_at=utcnow(), facts=call_facts(call),
                     **shown_texts(call))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{call.reference}.pdf"'})


@bp.get("/<reference>/definition.json")
@public
def definition(reference: str):
    call = services.get_public_call(reference, viewer=_viewer())
    body = json.dumps(services.export_definition(call), indent=2, ensure_ascii=False)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{call.reference}.json"'})


# --- officers -----------------------------------------------------------------------------


@bp.get("/manage")
@requires(*OFFICERS)
def manage():
    return render_template("calls/manage.html",
                           calls=listing.list_managed_calls(by=current_user, page=_page()),
                           status_labels=CALL_STATUS_NAMES, now=utcnow(), confirm=ConfirmForm())


def _local(value, zone: str):
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None) if value else None


def _utc(value, zone: str):
    return value.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else str((value / 100).quantize(Decimal("0.0001")))


def _call_fields(form: CallForm) -> dict:
    zone = form.timezone.data
    by_org_type = {"PRC": _percent(form.profit_funding_rate.data)} \
        if form.profit_funding_rate.data else {}
    return {
        "reference": form.reference.data.strip(), "kind": form.kind.data,
        "title": form.title.data.strip(), "summary": form.summary.data.strip(),
        "body": form.body.data or "", "strategic_areas": form.strategic_area_list(),
        "ict_categories": form.ict_categories.data or [],
        "open_source_preference": form.open_source_preference.data,
        "de_minimis": form.de_minimis.data,
        "currency": form.currency.data,
        "budget_amount": form.budget_amount.data.quantize(Decimal("0.01")),
        "max_per_proposal_amount": form.max_per_proposal_amount.data.quantize(Decimal("0.01")),
        "funding_rates": {"default": _percent(form.default_funding_rate.data),
                          "by_org_type": by_org_type},
        "indirect_rate": _percent(form.indirect_rate.data), "timezone": zone,
        "opens_at": _utc(form.opens_at.data, zone), "closes_at": _utc(form.closes_at.data, zone),
        "required_attachments": form.attachment_list(),
        "deadline_notice_days": DEFAULT_NOTICE_DAYS if form.deadline_notice_days.data is None
        else form.deadline_notice_days.data,
    }


def _fill_call_form(form: CallForm, call) -> None:
    form.process(obj=call)
    rates = call.funding_rates or {}
    form.default_funding_rate.data = Decimal(rates.get("default", "1")) * 100
    profit = rates.get("by_org_type", {}).get("PRC")
    form.profit_funding_rate.data = Decimal(profit) * 100 if profit else None
    form.indirect_rate.data = Decimal(call.indirect_rate) * 100
    form.strategic_areas.data = "\n".join(call.strategic_areas)
    form.required_attachments.data = "\n".join(
        doc["name"] + ("" if doc["mandatory"] else " (optional)")
        for doc in call.required_attachments)
    form.opens_at.data = _local(call.opens_at, call.timezone)
    form.closes_at.data = _local(call.closes_at, call.timezone)
    form.version.data = call.version


def _save(action, form, **kwargs):
    """Run a service and commit; None when it refused (the form then shows why)."""
    with errors_shown_on(form):
        result = action(**kwargs)
        db.session.commit()
        return result
    return None


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.programme_officer)
@reshows_form
def new():
    form = CallForm()
    if form.validate_on_submit():
        call = _save(services.create_call, form, fields=_call_fields(form), by=current_user)
        if call:
            flash(_("Draft call created. Now set its eligibility rules."), "success")
            return redirect(url_for("calls.rules", reference=call.reference))
    return render_template("calls/edit.html", form=form, call=None)


@bp.route("/<reference>/edit", methods=["GET", "POST"])
@requires(*OFFICERS)
@reshows_form
def edit(reference: str):
    call = services.get_call_to_manage(reference, by=current_user)
    locked = _locked_form_fields(call)
    form = CallForm(formdata=_with_stored_values(call, locked)) if locked else CallForm()
    if request.method == "GET":
        _fill_call_form(form, call)
    elif form.validate_on_submit():
        version = int(form.version.data) if form.version.data else None
        saved = _save(services.update_call, form, call=call, fields=_call_fields(form),
                      by=current_user, version=version,
                      deadline_reason=form.deadline_change_reason.data or "")
        if saved:
            flash(_("Call saved."), "success")
            return redirect(url_for("calls.detail", reference=saved.reference))
    return render_template("calls/edit.html", form=form, call=call, locked=locked)


def _locked_form_fields(call) -> frozenset[str]:
    fields = set(services.locked_call_fields(call))
    if "funding_rates" in fields:
        fields |= {"default_funding_rate", "profit_funding_rate"}
    return frozenset(fields)


def _with_stored_values(call, locked: frozenset[str]):
    """The posted form with the stored values of the locked fields it lacks: the page shows
    them disabled, and browsers do not send disabled fields. A locked field that was sent
    (from a page opened before the first submission) stays, for the service to refuse."""
    if request.method != "POST":
        return None
    stored = CallForm(formdata=None, meta={"csrf": False})
    _fill_call_form(stored, call)
    posted = request.form.copy()
    for name in locked & {field.name for field in stored}:
        field = stored[name]
        if name in posted:
            continue
        if isinstance(field.data, (list, tuple)):  # checkboxes of a list
            posted.setlist(name, list(field.data))
        elif field.type == "BooleanField":
            posted.setlist(name, ["y"] if field.data else [])
        elif hasattr(field, "_value"):
            posted.setlist(name, [field._value()])
        else:  # a choice
            posted.setlist(name, [str(field.data)])
    return posted


@bp.route("/<reference>/rules", methods=["GET", "POST"])
@requires(*OFFICERS)
@reshows_form
def rules(reference: str):
    call = services.get_call_to_manage(reference, by=current_user)
    form = RulesForm()
    preset = RULE_PRESETS_SHOWN.get(request.args.get("preset", ""))
    if request.method == "GET":
        form.fill(dict(preset.document) if preset else call.eligibility_rules)
        form.version.data = call.version
    elif form.validate_on_submit():
        saved = _save(services.set_rules, form, call=call, document=form.document(),
                      by=current_user, version=int(form.version.data or call.version))
        if saved:
            flash(_("Eligibility rules saved."), "success")
            return redirect(url_for("calls.criteria", reference=reference))
    return render_template("calls/rules.html", form=form, call=call, presets=RULE_PRESETS_SHOWN,
                           preset=preset, locked=services.rules_locked_reason(call))


def _fill_criteria_form(form: CriteriaForm, document: dict) -> None:
    # FormField reads its data as attributes, hence the namespaces; a blank last row lets
    # the officer add a criterion.
    rows = [SimpleNamespace(**criterion) for criterion in document.get("criteria", [])]
    rows.append(SimpleNamespace())
    data = {**document, "criteria": rows,
            "tie_breaks": list(document.get("tie_breaks", [])) + [""] * MAX_TIE_BREAKS}
    data["tie_breaks"] = data["tie_breaks"][:MAX_TIE_BREAKS]
    form.process(data=data)


@bp.route("/<reference>/criteria", methods=["GET", "POST"])
@requires(*OFFICERS)
@reshows_form
def criteria(reference: str):
    call = services.get_call_to_manage(reference, by=current_user)
    form = CriteriaForm()
    preset = CRITERIA_PRESETS_SHOWN.get(request.args.get("preset", ""))
    if request.method == "GET":
        _fill_criteria_form(form, dict(preset.document) if preset else call.award_criteria)
        form.version.data = call.version
    elif form.validate_on_submit():
        saved = _save(services.set_criteria, form, call=call, document=form.document(),
                      by=current_user, version=int(form.version.data or call.version))
        if saved:
            flash(_("Award criteria saved."), "success")
            return redirect(url_for("calls.detail", reference=reference))
    errors = getattr(form, "document_errors", {})
    return render_template("calls/criteria.html", form=form, call=call,
                           presets=CRITERIA_PRESETS_SHOWN, preset=preset,
                           tie_breaks=TIE_BREAKS_SHOWN,
                           errors=errors, locked=services.rules_locked_reason(call))


@bp.post("/<reference>/status/<action>")
@requires(*OFFICERS)
def change_status(reference: str, action: str):
    call = services.get_call_to_manage(reference, by=current_user)
    if action not in set(CallAction) or not ConfirmForm().validate_on_submit():
        abort(400)
    if action in IRREVERSIBLE and not request.form.get("confirm"):
        flash(_("Tick “I understand” to %(action)s: it cannot be undone.",
                action=str(CALL_ACTION_NAMES[CallAction(action)]).lower()), "danger")
        return redirect(url_for("calls.detail", reference=reference))
    services.change_status(call, CallAction(action), by=current_user)
    db.session.commit()
    flash(_("Call %(reference)s: %(status)s.", reference=reference,
            status=str(CALL_STATUS_NAMES[call.status]).lower()), "success")
    return redirect(url_for("calls.detail", reference=reference))


@bp.post("/<reference>/duplicate")
@requires(Role.programme_officer)
def duplicate(reference: str):
    call = services.get_call_to_manage(reference, by=current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    copy = services.duplicate_call(call, by=current_user)
    db.session.commit()
    flash(_("Copied as draft %(reference)s. Adjust its dates and reference.",
            reference=copy.reference), "success")
    return redirect(url_for("calls.edit", reference=copy.reference))


@bp.route("/import", methods=["GET", "POST"])
@requires(Role.programme_officer)
@reshows_form
def import_call():
    form = ImportForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            definition = services.parse_definition_file(form.definition.data.read())
            call = _save(services.import_definition, form, definition=definition,
                         by=current_user)
            if call:
                flash(_("Imported as draft %(reference)s.", reference=call.reference),
                      "success")
                return redirect(url_for("calls.edit", reference=call.reference))
    return render_template("calls/import.html", form=form)


@bp.app_context_processor
def _call_labels():
    return {"country_groups": COUNTRY_GROUP_NAMES}


# The call vocabulary in the page's language, for every template (imported macros too).
for _name, _labels in (("call_status_names", CALL_STATUS_NAMES),
                       ("call_kind_names", CALL_KIND_NAMES), ("phase_names", PHASE_NAMES),
                       ("ict_category_names", ICT_CATEGORY_NAMES),
                       ("cost_category_names", COST_CATEGORY_NAMES)):
    bp.add_app_template_global(_labels, _name)
