"""Organiser pages after booking: the schedule, moving meetings, the table plan, reminders,
attendance and the follow-up report."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts.models import Role
from app.core.access import requires
from app.core.errors import DomainError
from app.core.extensions import db
from app.events.forms import ActionForm, ConfirmForm, MoveForm
from app.events.rules.scheduler import UNPLACED_LABELS
from app.events.services import followup, meetings, papers, registration, scheduling
from app.events.views import bp
from app.events.views.organiser import refuse, slot_time


def _pdf(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/<int:event_id>/schedule", methods=["GET", "POST"])
@requires(Role.organiser, Role.admin)
def schedule(event_id: int):
    """Close booking and place every accepted meeting (confirmation first)."""
    form = ConfirmForm()
    plan = scheduling.table_plan(event_id, by=current_user)
    if form.validate_on_submit():
        try:
            result = scheduling.make_schedule(event_id, by=current_user)
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
        else:
            placed = ngettext("%(num)d meeting", "%(num)d meetings", result.placed_count)
            flash(_("The schedule is made: %(placed)s placed, %(unplaced)d without a slot.",
                    placed=placed, unplaced=len(result.unplaced)), "success")
            return redirect(url_for("events.table_plan", event_id=event_id))
    return render_template("events/schedule.html", event=plan.event, form=form, plan=plan)


@bp.route("/<int:event_id>/tables", methods=["GET", "POST"])
@requires(Role.organiser, Role.admin)
def table_plan(event_id: int):
    """The table plan per slot, and the form to move one meeting by hand."""
    plan = scheduling.table_plan(event_id, by=current_user)
    form = MoveForm()
    form.slot_id.choices = [(slot.id, f"{slot.session.name}, {slot_time(slot, plan.event)}")
                            for slot in plan.slots]
    return render_template("events/table_plan.html", plan=plan, event=plan.event,
                           form=form, reasons=UNPLACED_LABELS)


@bp.route("/<int:event_id>/meetings/<int:meeting_id>/move", methods=["GET", "POST"])
@requires(Role.organiser, Role.admin)
def move(event_id: int, meeting_id: int):
    plan = scheduling.table_plan(event_id, by=current_user)
    meeting = next((m for slot in plan.rows.values() for m in slot if m.id == meeting_id),
                   None) or next((m for m in plan.unplaced if m.id == meeting_id), None)
    if meeting is None:
        flash(_("There is no such accepted meeting at this event."), "danger")
        return redirect(url_for("events.table_plan", event_id=event_id))
    form = MoveForm()
    form.slot_id.choices = [(slot.id, f"{slot.session.name}, {slot_time(slot, plan.event)}")
                            for slot in plan.slots]
    if form.validate_on_submit():
        try:
            scheduling.move_meeting(event_id, meeting_id, by=current_user,
                                    slot_id=form.slot_id.data, table=form.table.data)
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The meeting is moved."), "success")
            return redirect(url_for("events.table_plan", event_id=event_id))
    elif not form.is_submitted() and meeting.slot_id:
        form.slot_id.data, form.table.data = meeting.slot_id, meeting.table_number
    status = 409 if form.errors and form.is_submitted() else 200
    return render_template("events/move.html", event=plan.event, plan=plan, meeting=meeting,
                           form=form), status


@bp.get("/<int:event_id>/tables.pdf")
@requires(Role.organiser, Role.admin)
def table_plan_pdf(event_id: int):
    return _pdf(papers.table_plan_pdf(event_id, by=current_user), f"table-plan-{event_id}.pdf")


@bp.post("/<int:event_id>/reminders")
@requires(Role.organiser, Role.admin)
def reminders(event_id: int):
    form = ActionForm()
    if form.validate_on_submit():
        count = meetings.send_reminders(event_id, by=current_user)
        db.session.commit()
        flash(ngettext("Reminders sent to %(num)d participant without meetings.",
                       "Reminders sent to %(num)d participants without meetings.", count),
              "success")
    return redirect(url_for("events.report", event_id=event_id))


@bp.get("/<int:event_id>/report")
@requires(Role.organiser, Role.admin)
def report(event_id: int):
    result = followup.report(event_id, by=current_user)
    return render_template("events/report.html", report=result, event=result.event,
                           registrations=registration.list_registrations(result.event),
                           action_form=ActionForm(formdata=None))


@bp.post("/<int:event_id>/attendance/<int:registration_id>")
@requires(Role.organiser, Role.admin)
def attendance(event_id: int, registration_id: int):
    form = ActionForm()
    if form.validate_on_submit():
        present = request.form.get("present") == "1"
        row = registration.check_in(event_id, registration_id, by=current_user,
                                    present=present)
        db.session.commit()
        flash(_("%(name)s is marked present.", name=row.organisation.name) if present
              else _("%(name)s is marked absent.", name=row.organisation.name), "success")
    return redirect(url_for("events.report", event_id=event_id))
