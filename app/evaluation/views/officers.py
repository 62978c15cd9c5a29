"""Officer pages: calls in evaluation, settings, assignment, rapporteurs, ranking, exports."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from app.accounts.models import Role
from app.calls.labels import CALL_STATUS_NAMES, TIE_BREAK_TEXTS
from app.calls.rules.criteria import TIE_BREAKS
from app.core.access import requires
from app.core.extensions import db
from app.core.forms import errors_shown_on
from app.core.paging import paginate_list
from app.evaluation.forms import (
    ActionForm,
    PublishForm,
    RapporteurForm,
    SettingsForm,
    panel_form,
)
from app.evaluation.rules.ranking import TRAIL_BELOW_THRESHOLD, TRAIL_TOTAL, TRAIL_UNRESOLVED
from app.evaluation.services import assignment, calls, exports, ranking_store, results
from app.evaluation.services import ranking as ranking_service
from app.evaluation.views import bp
from app.evaluation.views.ranking_rows import ranking_rows

RANKING_PER_PAGE = 50
# The tie-break rules' names in the reader's language (calls/labels.py), and the others'.
TRAIL_LABELS = {code: TIE_BREAK_TEXTS[code][0] for code in TIE_BREAKS} | {
    TRAIL_TOTAL: _l("Weighted total"), TRAIL_UNRESOLVED: _l("Still tied"),
    TRAIL_BELOW_THRESHOLD: _l("Below threshold"), "ineligible": _l("Ineligible")}


@bp.get("/calls")
@requires(Role.programme_officer)
def officer_calls():
    return render_template("evaluation/officer_calls.html",
                           calls=calls.list_officer_calls(by=current_user),
                           action_form=ActionForm())


@bp.post("/calls/<int:call_id>/start")
@requires(Role.programme_officer)
def start_evaluation(call_id: int):
    if ActionForm().validate_on_submit():
        calls.start_evaluation(call_id, by=current_user)
        db.session.commit()
        flash(_("Evaluation started: set the conflict rule, then assign experts."), "success")
    return redirect(url_for("evaluation.call", call_id=call_id))


def _call_page(call_id: int, settings_form=None, status: int = 200):
    call = calls.get_call_to_oversee(call_id, by=current_user)
    settings = calls.current_settings(call)
    proposals, rows = assignment.call_overview_page(
        call, page=request.args.get("page", 1, type=int))
    # The rapporteur choice of each row is plain HTML posting RapporteurForm's field names with
    # the session's one CSRF token: a WTForms form per proposal cost seconds at 5,000 rows.
    return render_template(
        "evaluation/call.html", call=call, settings=settings, rows=rows, proposals=proposals,
        criteria=calls.criteria_of(call), action_form=ActionForm(),
        settings_form=settings_form or SettingsForm(obj=settings),
        can_act=current_user.is_staff_of(call.funder_id, Role.programme_officer),
        status_name=CALL_STATUS_NAMES.get(call.status, call.status),
        # Per-row messages translated once a page (a `_()` in a loop costs a Jinja context
        # each); the template fills in each acronym, escaped.
        rapporteur_for=Markup(_("Rapporteur for %(acronym)s")),
        consensus_of=Markup(_("the consensus of %(acronym)s")),
        # Two url_for a page, not two per row: the rows add their proposal's id.
        rapporteur_prefix=url_for("evaluation.rapporteur",
                                  application_id=0).removesuffix("0/rapporteur"),
        consensus_prefix=url_for("evaluation.consensus", application_id=0).removesuffix("0")
    ), status


@bp.get("/calls/<int:call_id>")
@requires(Role.programme_officer, Role.admin)  # admins read, officers act
def call(call_id: int):
    return _call_page(call_id)


@bp.post("/calls/<int:call_id>/settings")
@requires(Role.programme_officer)
def call_settings(call_id: int):
    form = SettingsForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            calls.update_settings(call_id, by=current_user,
                                  same_country_is_conflict=form.same_country_is_conflict.data)
            db.session.commit()
            flash(_("Settings saved. Run the assignment again to apply them."), "success")
            return redirect(url_for("evaluation.call", call_id=call_id))
        return _call_page(call_id, form, 400)
    return redirect(url_for("evaluation.call", call_id=call_id))


@bp.post("/calls/<int:call_id>/assign")
@requires(Role.programme_officer)
def run_assignment(call_id: int):
    if ActionForm().validate_on_submit():
        report = assignment.run_assignment(call_id, by=current_user)
        db.session.commit()
        missing = len(report["shortfalls"])
        placed = ngettext("%(num)d assignment in place", "%(num)d assignments in place",
                          report["assignments"])
        if missing:
            flash(ngettext("%(placed)s; %(num)d proposal lacks experts (see below).",
                           "%(placed)s; %(num)d proposals lack experts (see below).",
                           missing, placed=placed), "warning")
        else:
            flash(ngettext("%(num)d assignment in place.", "%(num)d assignments in place.",
                           report["assignments"]), "success")
    return redirect(url_for("evaluation.call", call_id=call_id))


@bp.post("/applications/<int:application_id>/rapporteur")
@requires(Role.programme_officer)
def rapporteur(application_id: int):
    form = RapporteurForm(prefix=f"r{application_id}")
    form.assignment_id.choices = None  # the service checks the choice against the team
    form.assignment_id.validate_choice = False
    call_id = request.form.get("call_id", type=int)
    if form.validate_on_submit():
        assignment.set_rapporteur(application_id, form.assignment_id.data, by=current_user)
        db.session.commit()
        flash(_("Rapporteur set."), "success")
    if call_id is None:
        return redirect(url_for("evaluation.officer_calls"))
    # Back to the page of the list the officer was on.
    return redirect(url_for("evaluation.call", call_id=call_id,
                            page=request.form.get("page", 1, type=int)))


def _group_key(ids) -> str:
    return "-".join(str(i) for i in sorted(ids))


def _ranking_page(call_id: int, *, publish_form=None, panel_forms=None, status: int = 200):
    # The ranking as last computed (a place depends on every proposal), ranked again only
    # when its inputs changed since; one page of it is read.
    result = ranking_store.ranking_page(call_id, by=current_user,
                                        page=request.args.get("page", 1, type=int),
                                        per_page=RANKING_PER_PAGE)
    if result.job is not None:  # a large call, ranked by the queue meanwhile
        db.session.commit()  # the job starts once committed (a refused form saved nothing)
        return render_template("evaluation/ranking_pending.html", call=result.call,
                               job=result.job, refused=status != 200), status
    frozen = results.frozen_ranking(result.call)
    forms = dict(panel_forms or {})
    for group in [] if frozen else result.unresolved:
        proposals = group["proposals"]
        key = _group_key(p["id"] for p in proposals)
        if key not in forms:
            data = {f"place_{p['id']}": str(p["panel_position"])
                    for p in proposals if p["panel_position"] is not None}
            data["reason"] = next((p["panel_reason"] for p in proposals
                                   if p["panel_position"] is not None), "")
            forms[key] = panel_form([p["id"] for p in proposals], data=data)
    entries = (paginate_list(frozen.entries, page=request.args.get("page", 1, type=int),
                             per_page=RANKING_PER_PAGE) if frozen else result.entries)
    # Translated once a page: a lazy string is translated again each time a row shows it.
    labels = {code: str(label) for code, label in TRAIL_LABELS.items()}
    rows = ranking_rows(entries.items, result.criteria, labels,
                        frozen.summary["currency"] if frozen else result.call.currency)
    html = render_template(
        "evaluation/ranking.html", result=result, frozen=frozen, panel_forms=forms,
        entries=entries, rows=rows,
        publish_form=publish_form or PublishForm(), trail_labels=labels,
        can_act=current_user.is_staff_of(result.call.funder_id, Role.programme_officer))
    if status == 200:
        db.session.commit()  # keeps a freshly computed ranking (a refused form saves nothing)
    return html, status


@bp.get("/calls/<int:call_id>/ranking")
@requires(Role.programme_officer, Role.admin)  # admins read, officers act
def ranking(call_id: int):
    return _ranking_page(call_id)


@bp.post("/calls/<int:call_id>/panel")
@requires(Role.programme_officer)
def panel_decision(call_id: int):
    ids = sorted(int(key.removeprefix("place_")) for key in request.form
                 if key.startswith("place_") and key.removeprefix("place_").isdigit())
    form = panel_form(ids)
    if form.validate_on_submit():
        positions = {i: (int(form[f"place_{i}"].data) if form[f"place_{i}"].data else None)
                     for i in ids}
        with errors_shown_on(form):  # "positions" has no field of its own: it is flashed
            ranking_service.record_panel_decision(call_id, by=current_user,
                                                  positions=positions,
                                                  reason=form.reason.data or "")
            db.session.commit()
            flash(_("Panel decision recorded."), "success")
            return redirect(url_for("evaluation.ranking", call_id=call_id))
        return _ranking_page(call_id, panel_forms={_group_key(ids): form}, status=400)
    return redirect(url_for("evaluation.ranking", call_id=call_id))


@bp.post("/calls/<int:call_id>/publish")
@requires(Role.programme_officer)
def publish(call_id: int):
    form = PublishForm()
    if form.validate_on_submit():
        with errors_shown_on(form):
            results.publish_results(call_id, by=current_user, confirmed=form.confirm.data)
            db.session.commit()
            flash(_("Results published; coordinators have been e-mailed."), "success")
            return redirect(url_for("evaluation.ranking", call_id=call_id))
        return _ranking_page(call_id, publish_form=form, status=400)
    return redirect(url_for("evaluation.ranking", call_id=call_id))


@bp.get("/calls/<int:call_id>/export.csv")
@requires(Role.programme_officer, Role.admin)  # admins read, officers act
def export_csv(call_id: int):
    stem, rows = exports.export_rows(call_id, by=current_user,
                                     anonymised=request.args.get("anonymised") == "1")
    return Response(exports.csv_lines(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'})


@bp.get("/calls/<int:call_id>/export.xlsx")
@requires(Role.programme_officer, Role.admin)  # admins read, officers act
def export_xlsx(call_id: int):
    stem, rows = exports.export_rows(call_id, by=current_user,
                                     anonymised=request.args.get("anonymised") == "1")
    return Response(exports.xlsx_bytes(rows), headers={
        "Content-Disposition": f'attachment; filename="{stem}.xlsx"'},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
