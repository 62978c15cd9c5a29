"""The event's papers as PDFs: the catalogue, a participant's agenda, the table plan."""

from app.accounts.models import User
from app.core.database import utcnow
from app.core.links import public_url
from app.core.pdf import render_pdf
from app.events.services.organising import get_event, is_organiser_of
from app.events.services.registration import list_registrations, require_registration
from app.events.services.scheduling import agenda, table_plan


def catalogue_pdf(event_id: int, *, by: User) -> bytes:
    """Every enrolled organisation with its profile, offers and requests; for participants
    and the organisers."""
    event = get_event(event_id, by=by)
    if not is_organiser_of(event, by):
        require_registration(event, by)
    registrations = sorted(list_registrations(event), key=lambda r: r.organisation.name.lower())
    return render_pdf("pdf/event_catalogue.html", event=event, registrations=registrations,
                      produced_at=utcnow(),
                      link=public_url("events.detail", event_id=event.id))


def agenda_pdf(event_id: int, *, by: User) -> bytes:
    event, me, meetings = agenda(event_id, by=by)
    return render_pdf("pdf/event_agenda.html", event=event, me=me, meetings=meetings,
                      produced_at=utcnow())


def table_plan_pdf(event_id: int, *, by: User) -> bytes:
    plan = table_plan(event_id, by=by)
    return render_pdf("pdf/event_table_plan.html", plan=plan, event=plan.event,
                      produced_at=utcnow())
