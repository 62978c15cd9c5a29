"""Choosing invitees from the directory and sending them invitation letters."""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.accounts.models import Organisation, User
from app.applications.services.consortium import contact_user_of
from app.core import audit
from app.core.errors import DomainError
from app.core.extensions import db
from app.core.formatting import local_datetime
from app.core.i18n import mail_language
from app.core.links import public_url
from app.core.mail import send_mail
from app.directory.services.search import (
    SearchCriteria,
    profiles_by_organisation,
    search_organisations,
)
from app.events.models import Event, EventInvitation, EventStatus
from app.events.services.organising import get_organised_event

MAX_INVITATIONS_AT_ONCE = 200


def find_invitees(event_id: int, *, by: User, criteria: SearchCriteria, page: int = 1):
    """The directory's search (sector, country, type, keywords) with who is already invited."""
    event = get_organised_event(event_id, by=by)
    organisations, profiles = search_organisations(criteria, page=page)
    ids = [o.id for o in organisations.items]
    invited = set(db.session.scalars(select(EventInvitation.organisation_id).where(
        EventInvitation.event_id == event.id, EventInvitation.organisation_id.in_(ids)))) \
        if ids else set()
    return event, organisations, profiles, invited


def _address(organisation: Organisation, profile) -> str | None:
    """Where the letter goes: the profile's contact, else the organisation's first account."""
    if profile is not None and profile.contact_user is not None:
        return profile.contact_user.email
    if profile is not None and profile.contact_email:
        return profile.contact_email
    contact = contact_user_of(organisation.id)
    return contact.email if contact else None


def letter(event: Event, organisation: Organisation) -> tuple[str, str]:
    """The subject and body of an invitation, in the current language (the directory knows
    an address, not its reader's language: send_invitations writes in the organiser's)."""
    place = ", ".join(part for part in (event.venue, event.online_url) if part)
    calls = "".join(f"\n- {call.reference}: {call.title}" for call in event.calls)
    body = _("Dear %(name)s,\n\n%(funder)s invites you to %(event)s, %(start)s – %(end)s, "
             "%(place)s.\n\n", name=organisation.name, funder=event.funder.name,
             event=event.title, start=local_datetime(event.starts_at, event.time_zone),
             end=local_datetime(event.ends_at, event.time_zone), place=place)
    body += f"{event.description}\n\n"
    if calls:
        body += _("The event prepares consortia for these calls:%(calls)s\n\n", calls=calls)
    body += _("Registration is open until %(closes)s. Register, say what you offer and look "
              "for, and book meetings here:\n%(link)s\n",
              closes=local_datetime(event.registration_closes_at, event.time_zone),
              link=public_url("events.detail", event_id=event.id))
    return _("Invitation: %(event)s", event=event.title), body


def send_invitations(event_id: int, *, by: User, organisation_ids: list[int]) -> dict:
    """Write to each chosen organisation once; report who was written to and who not."""
    event = get_organised_event(event_id, by=by)
    if event.status == EventStatus.DRAFT:
        raise DomainError(_("Publish the event before inviting: the link must lead somewhere."))
    ids = sorted(set(organisation_ids))
    if not ids:
        raise DomainError(_("Choose at least one organisation."), field="organisation_ids")
    if len(ids) > MAX_INVITATIONS_AT_ONCE:
        raise DomainError(_("Invite at most %(count)d organisations at once.",
                            count=MAX_INVITATIONS_AT_ONCE),
                          field="organisation_ids")
    organisations = list(db.session.scalars(select(Organisation).where(
        Organisation.id.in_(ids))))
    profiles = profiles_by_organisation(ids)
    already = set(db.session.scalars(select(EventInvitation.organisation_id).where(
        EventInvitation.event_id == event.id, EventInvitation.organisation_id.in_(ids))))
    sent, skipped = [], []
    for organisation in organisations:
        address = _address(organisation, profiles.get(organisation.id))
        if organisation.id in already or address is None:
            skipped.append(organisation.name)
            continue
        with mail_language():  # only an address: the organiser's language
            subject, body = letter(event, organisation)
            send_mail(address, subject, body)
        db.session.add(EventInvitation(event_id=event.id, organisation_id=organisation.id,
                                       email=address, sent_by_id=by.id))
        sent.append(organisation.name)
    db.session.flush()
    audit.record(by, "event.invitations_sent", event, {"sent": len(sent),
                                                        "skipped": len(skipped)})
    return {"sent": sent, "skipped": skipped}


def list_invitations(event_id: int, *, by: User, page: int = 1, per_page: int = 50):
    event = get_organised_event(event_id, by=by)
    query = (select(EventInvitation).where(EventInvitation.event_id == event.id)
             .join(Organisation, Organisation.id == EventInvitation.organisation_id)
             .options(joinedload(EventInvitation.organisation))
             .order_by(Organisation.name))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
