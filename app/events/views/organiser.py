"""Organiser pages: the events of the institution, creating and editing one, sessions,
publishing, choosing invitees and sending the letters."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts.models import Role
from app.core.access import requires
from app.core.classifications import NACE_SECTIONS, ORG_TYPE_LABELS
from app.core.errors import DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.core.forms import attach_error
from app.directory.services.search import SearchCriteria
from app.events.forms import ConfirmForm, EventForm, InviteForm, SessionForm
from app.events.services import invitations, organising
from app.events.services.organising import EventData
from app.events.views import bp


def page_number() -> int:
    return max(request.args.get("page", 1, type=int), 1)


def refuse(form, error: DomainError) -> None:
    """Undo the request's changes and show why next to the field; keep what was typed."""
    if isinstance(error, NotFound | Forbidden):
        raise error
    db.session.rollback()
    attach_error(form, error)


def refuse_action(error: DomainError) -> None:
    """For a button that redirects: undo, and say why on the next page."""
    if isinstance(error, NotFound | Forbidden):
        raise error
    db.session.rollback()
    flash(error.message, "danger")


@bp.get("/manage")
@requires(Role.organiser, Role.admin)
def manage():
    events = organising.list_organised_events(by=current_user, page=page_number())
    return render_template("events/manage.html", events=events)


def slot_time(slot, event) -> str:
    """"19 Dec 09:20": a slot's start on the wall clock of the event's place."""
    return f"{slot.starts_at.astimezone(ZoneInfo(event.time_zone)):%d %b %H:%M}"


def _local(value: datetime, zone: str) -> datetime:
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def _event_form(event=None) -> EventForm:
    form = EventForm(obj=event if request.method == "GET" else None)
    form.time_zone.choices = organising.zone_choices()
    form.call_ids.choices = [(c.id, f"{c.reference} — {c.title}")
                             for c in organising.linkable_calls()]
    if request.method == "GET":
        if event is None:
            form.time_zone.data = "Europe/Vienna"
        else:
            for name in organising.TIME_FIELDS:
                getattr(form, name).data = _local(getattr(event, name), event.time_zone)
            form.call_ids.data = [c.id for c in event.calls]
    return form


def _event_data(form: EventForm) -> EventData:
    return EventData(
        title=form.title.data or "", kind=form.kind.data, time_zone=form.time_zone.data,
        description=form.description.data or "", venue=form.venue.data or "",
        online_url=form.online_url.data or "", slot_minutes=form.slot_minutes.data,
        tables=form.tables.data, call_ids=tuple(form.call_ids.data or ()),
        **{name: getattr(form, name).data for name in organising.TIME_FIELDS})


@bp.route("/manage/new", methods=["GET", "POST"])
@requires(Role.organiser, Role.admin)
def new():
    form = _event_form()
    if form.validate_on_submit():
        try:
            event = organising.create_event(by=current_user, data=_event_data(form))
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The event is saved as a draft. Add its sessions next."), "success")
            return redirect(url_for("events.organise", event_id=event.id))
    return render_template("events/edit.html", form=form, event=None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@requires(Role.organiser, Role.admin)
def edit(event_id: int):
    event = organising.get_organised_event(event_id, by=current_user)
    form = _event_form(event)
    if form.validate_on_submit():
        try:
            organising.update_event(event_id, by=current_user, data=_event_data(form))
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The event is saved."), "success")
            return redirect(url_for("events.organise", event_id=event_id))
    return render_template("events/edit.html", form=form, event=event)


@bp.route("/<int:event_id>/organise", methods=["GET", "POST"])
@requires(Role.organiser, Role.admin)
def organise(event_id: int):
    """The organiser's page of one event: sessions (with the add form), publishing, links."""
    event = organising.get_organised_event(event_id, by=current_user)
    form = SessionForm()
    if form.validate_on_submit():
        try:
            organising.add_session(event_id, by=current_user, name=form.name.data,
                                   starts_at=form.starts_at.data, ends_at=form.ends_at.data)
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The session and its slots are added."), "success")
            return redirect(url_for("events.organise", event_id=event_id))
        event = organising.get_organised_event(event_id, by=current_user)
    return render_template("events/organise.html", event=event, form=form,
                           publish_form=ConfirmForm(formdata=None))


@bp.post("/<int:event_id>/publish")
@requires(Role.organiser, Role.admin)
def publish(event_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm publishing."), "danger")
    else:
        try:
            organising.publish_event(event_id, by=current_user)
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The event is published: invite organisations now."), "success")
    return redirect(url_for("events.organise", event_id=event_id))


@bp.route("/<int:event_id>/invite", methods=["GET", "POST"])
@requires(Role.organiser, Role.admin)
def invite(event_id: int):
    """Choose invitees from the directory by sector, country, type and keywords."""
    criteria = SearchCriteria.clean(**request.args.to_dict())
    event, organisations, profiles, invited = invitations.find_invitees(
        event_id, by=current_user, criteria=criteria, page=page_number())
    form = InviteForm()
    form.organisation_ids.choices = [(o.id, o.name) for o in organisations.items
                                     if o.id not in invited]
    if form.validate_on_submit():
        try:
            outcome = invitations.send_invitations(
                event_id, by=current_user, organisation_ids=form.organisation_ids.data)
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
        else:
            message = ngettext("Invitation letters sent to %(num)d organisation.",
                               "Invitation letters sent to %(num)d organisations.",
                               len(outcome["sent"]))
            if outcome["skipped"]:
                message += " " + _("Not sent (already invited or no contact address): "
                                   "%(names)s.", names=", ".join(outcome["skipped"]))
            flash(message, "success")
            return redirect(url_for("events.invite", event_id=event_id, **request.args))
    return render_template("events/invite.html", event=event, form=form, criteria=criteria,
                           organisations=organisations, profiles=profiles, invited=invited,
                           nace_sections=NACE_SECTIONS, org_types=ORG_TYPE_LABELS,
                           sent=invitations.list_invitations(event_id, by=current_user,
                                                             page=1, per_page=200))
