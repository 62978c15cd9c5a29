"""Participant pages: events, registering, the marketplace, participants and meeting requests,
agenda and catalogue PDFs, feedback and starting an application from a meeting."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.access import public, signed_in
from app.core.database import utcnow
from app.core.errors import DomainError
from app.core.extensions import db
from app.events.forms import (
    AnswerForm,
    EntryForm,
    FeedbackForm,
    MeetingRequestForm,
    RegistrationForm,
    StartApplicationForm,
)
from app.events.models import EntryKind, MeetingStatus
from app.events.services import followup, organising, papers, registration
from app.events.services import meetings as meeting_services
from app.events.views import bp
from app.events.views.organiser import page_number, refuse, refuse_action, slot_time

PARTICIPANTS_PER_PAGE = 25


@bp.get("/")
@public
def index():
    q = request.args.get("q", "")[:200]
    past = request.args.get("when") == "past"
    events = organising.list_public_events(q=q, upcoming=not past, page=page_number())
    return render_template("events/index.html", events=events, q=q, past=past)


@bp.get("/<int:event_id>")
@public
def detail(event_id: int):
    event = organising.get_event(event_id, by=current_user)
    mine = registration.my_registration(event, current_user)
    return render_template("events/detail.html", event=event, mine=mine, now=utcnow(),
                           organiser=current_user.is_authenticated
                           and organising.is_organiser_of(event, current_user),
                           entry_form=EntryForm(formdata=None))


def _registration_form(event, mine=None) -> RegistrationForm:
    form = RegistrationForm(obj=mine if request.method == "GET" else None)
    form.session_ids.choices = [(s.id, s.name) for s in event.sessions]
    form.break_slot_ids.choices = [(slot.id, f"{s.name}, {slot_time(slot, event)}")
                                   for s in event.sessions for slot in s.slots]
    if request.method == "GET" and mine is not None:
        form.session_ids.data = [s.id for s in mine.sessions]
        form.break_slot_ids.data = list(mine.break_slot_ids or ())
    return form


@bp.route("/<int:event_id>/register", methods=["GET", "POST"])
@signed_in
def register(event_id: int):
    event = organising.get_event(event_id, by=current_user)
    mine = registration.my_registration(event, current_user)
    form = _registration_form(event, mine)
    if form.validate_on_submit():
        data = registration.RegistrationData(
            session_ids=tuple(form.session_ids.data), profile=form.profile.data or "",
            break_slot_ids=tuple(form.break_slot_ids.data or ()))
        try:
            if mine is None:
                registration.register(event_id, by=current_user, data=data)
            else:
                registration.update_registration(event_id, by=current_user, data=data)
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("Your organisation is registered.") if mine is None else
                  _("Your registration is saved."), "success")
            return redirect(url_for("events.detail", event_id=event_id))
    return render_template("events/register.html", event=event, form=form, mine=mine)


@bp.post("/<int:event_id>/entries")
@signed_in
def add_entry(event_id: int):
    form = EntryForm()
    if form.validate_on_submit():
        try:
            registration.add_entry(event_id, by=current_user, kind=form.kind.data,
                                   title=form.title.data, description=form.description.data or "",
                                   tags=(form.tags.data or "").split(","))
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("Your entry is in the marketplace."), "success")
            return redirect(url_for("events.detail", event_id=event_id))
    event = organising.get_event(event_id, by=current_user)
    return render_template("events/detail.html", event=event, now=utcnow(), organiser=False,
                           mine=registration.my_registration(event, current_user),
                           entry_form=form), 422


@bp.get("/<int:event_id>/participants")
@signed_in
def participants(event_id: int):
    """Browse the others and their marketplace entries; suggested partners first."""
    q, kind = request.args.get("q", "")[:200], request.args.get("kind", "")
    kind = kind if kind in set(EntryKind) else ""
    event, me, cards = meeting_services.browse(event_id, by=current_user, q=q, kind=kind)
    page = page_number()
    pages = max((len(cards) - 1) // PARTICIPANTS_PER_PAGE + 1, 1)
    shown = cards[(page - 1) * PARTICIPANTS_PER_PAGE: page * PARTICIPANTS_PER_PAGE]
    return render_template("events/participants.html", event=event, me=me, cards=shown,
                           q=q, kind=kind, page=page, pages=pages, total=len(cards),
                           booking_open=event.is_booking_open(utcnow()),
                           form=MeetingRequestForm(formdata=None))


@bp.post("/<int:event_id>/participants/<int:registration_id>/request")
@signed_in
def request_meeting(event_id: int, registration_id: int):
    form = MeetingRequestForm()
    if form.validate_on_submit():
        try:
            meeting_services.request_meeting(event_id, by=current_user,
                                     with_registration_id=registration_id,
                                     note=form.note.data or "")
            db.session.commit()
        except DomainError as error:
            refuse_action(error)
        else:
            flash(_("Your meeting request is sent."), "success")
    return redirect(url_for("events.meetings", event_id=event_id))


@bp.get("/<int:event_id>/meetings")
@signed_in
def meetings(event_id: int):
    event, me, rows = meeting_services.my_meetings(event_id, by=current_user)
    return render_template("events/meetings.html", event=event, me=me, meetings=rows,
                           statuses=MeetingStatus, answer_form=AnswerForm(formdata=None),
                           booking_open=event.is_booking_open(utcnow()),
                           started=utcnow() >= event.starts_at)


@bp.post("/<int:event_id>/meetings/<int:meeting_id>/answer")
@signed_in
def answer(event_id: int, meeting_id: int):
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            meeting = meeting_services.answer_meeting(event_id, meeting_id, by=current_user,
                                              accept=bool(form.accept.data))
            db.session.commit()
        except DomainError as error:
            refuse_action(error)
        else:
            flash(_("Meeting accepted.") if meeting.status == MeetingStatus.ACCEPTED
                  else _("Meeting declined."), "success")
    return redirect(url_for("events.meetings", event_id=event_id))


def _pdf(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/<int:event_id>/agenda.pdf")
@signed_in
def agenda_pdf(event_id: int):
    return _pdf(papers.agenda_pdf(event_id, by=current_user), f"agenda-{event_id}.pdf")


@bp.get("/<int:event_id>/catalogue.pdf")
@signed_in
def catalogue_pdf(event_id: int):
    return _pdf(papers.catalogue_pdf(event_id, by=current_user), f"catalogue-{event_id}.pdf")


@bp.route("/<int:event_id>/meetings/<int:meeting_id>/feedback", methods=["GET", "POST"])
@signed_in
def feedback(event_id: int, meeting_id: int):
    event, me, rows = meeting_services.my_meetings(event_id, by=current_user)
    meeting = next((m for m in rows if m.id == meeting_id), None)
    if meeting is None:
        flash(_("There is no such meeting of yours."), "danger")
        return redirect(url_for("events.meetings", event_id=event_id))
    form = FeedbackForm()
    if form.validate_on_submit():
        held = form.held.data == "yes"
        data = followup.FeedbackData(held=held, outcome=form.outcome.data,
                                     rating=int(form.rating.data) if form.rating.data else None,
                                     comment=form.comment.data or "")
        try:
            followup.give_feedback(event_id, meeting_id, by=current_user, data=data)
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("Thank you: your feedback is saved."), "success")
            return redirect(url_for("events.meetings", event_id=event_id))
    return render_template("events/feedback.html", event=event, me=me, meeting=meeting,
                           form=form)


@bp.route("/<int:event_id>/meetings/<int:meeting_id>/application", methods=["GET", "POST"])
@signed_in
def start_application(event_id: int, meeting_id: int):
    event, me, rows = meeting_services.my_meetings(event_id, by=current_user)
    meeting = next((m for m in rows if m.id == meeting_id), None)
    if meeting is None:
        flash(_("There is no such meeting of yours."), "danger")
        return redirect(url_for("events.meetings", event_id=event_id))
    form = StartApplicationForm()
    form.call_reference.choices = [(c.reference, f"{c.reference} — {c.title}")
                                   for c in event.calls if c.is_open()]
    if form.validate_on_submit():
        try:
            application = followup.start_application_from_meeting(
                event_id, meeting_id, by=current_user, call_reference=form.call_reference.data,
                acronym=form.acronym.data, title=form.title.data)
            db.session.commit()
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("%(acronym)s is started with %(name)s in the consortium.",
                    acronym=application.acronym,
                    name=meeting.other_side(me.id).organisation.name), "success")
            return redirect(url_for("applications.detail", application_id=application.id))
    return render_template("events/start_application.html", event=event, me=me,
                           meeting=meeting, form=form)
