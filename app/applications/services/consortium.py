"""The consortium: signed invitations, accepting, removing partners, each partner's own data."""

from contextlib import nullcontext
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, or_, select

from app.accounts.models import Organisation, Role, User
from app.applications.models import Application, Participant, ParticipantRole
from app.applications.services.applications import (
    check_version,
    get_application,
    require_coordinator,
    require_editable,
    save_changes,
)
from app.core import audit
from app.core.classifications import FORD_FIELDS
from app.core.database import utcnow
from app.core.errors import DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.core.links import public_url
from app.core.mail import send_mail

INVITATION_PURPOSE = "opencall.partner-invitation"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_PURPOSE)


def _max_age() -> int:
    return current_app.config["INVITATION_MAX_AGE"]


def invitation_link(participant: Participant) -> str:
    # The e-mail is signed too: a cancelled invitation's id reused later cannot be accepted.
    token = _serializer().dumps({"participant": participant.id,
                                 "email": participant.invited_email})
    return public_url("applications.invitation", token=token)


def _send_invitation(application: Application, participant: Participant, by: User) -> None:
    days = _max_age() // (24 * 3600)
    link = invitation_link(participant)
    # In the language of the invited contact when they have an account; an address alone
    # gets the inviting coordinator's page language.
    contact = participant.contact_user or db.session.get(User, participant.contact_user_id) \
        if participant.contact_user_id else None
    language = (contact.locale or current_app.config["BABEL_DEFAULT_LOCALE"]) if contact \
        else None
    with force_locale(language) if language else nullcontext():
        subject = _("Join the consortium %(acronym)s on OpenCall", acronym=application.acronym)
        body = _("Hello,\n\n%(inviter)s invites your organisation to apply together for the "
                 "call %(reference)s (%(call_title)s) with the project %(acronym)s — "
                 "%(title)s.\n\nAccept here (valid for %(days)d days); if you have no OpenCall "
                 "account yet, register first and then open this link again:\n%(link)s\n",
                 inviter=by.name, reference=application.call.reference,
                 call_title=application.call.title, acronym=application.acronym,
                 title=application.title, days=days, link=link)
    send_mail(participant.invited_email, subject, body, secrets=[link])


def _normalise(email: str) -> str:
    return email.strip().lower()


def invite_by_email(application_id: int, *, by: User, email: str,
                    expected_version) -> Participant:
    """A pending partner: whoever accepts the link attaches their organisation."""
    application = get_application(application_id, by=by)
    require_coordinator(application, by)
    require_editable(application)
    check_version(application, expected_version)
    email = _normalise(email)
    for participant in application.participants:
        if participant.invited_email == email and not participant.is_accepted:
            raise DomainError(_("This address already has a pending invitation."), field="email")
        if participant.is_accepted and participant.contact_user and \
                participant.contact_user.email == email:
            raise DomainError(_("This person is already in the consortium."), field="email")
    participant = Participant(role=ParticipantRole.PARTNER, invited_email=email,
                              invited_at=utcnow(), fields_of_science=[])
    application.participants.append(participant)
    save_changes(application)
    _send_invitation(application, participant, by)
    audit.record(by, "application.partner_invited", application, {"email": email})
    return participant


def contact_user_of(organisation_id: int) -> User | None:
    """The organisation's first active account: who receives invitations addressed to it."""
    return db.session.scalar(
        select(User).where(User.organisation_id == organisation_id,
                           User.is_active_account.is_(True)).order_by(User.id).limit(1))


def search_organisations(q: str = "", *, page: int = 1, per_page: int = 20):
    """Organisations by name, short name or country code, with their contact user (2 queries)."""
    query = select(Organisation).order_by(Organisation.name, Organisation.id)
    q = q.strip()
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(or_(func.lower(Organisation.name).like(pattern),
                                func.lower(Organisation.short_name).like(pattern),
                                Organisation.country == q.upper()))
    organisations = db.paginate(query, page=page, per_page=per_page, error_out=False)
    ids = [org.id for org in organisations.items]
    contacts: dict[int, User] = {}
    if ids:
        first_ids = (select(func.min(User.id)).where(User.organisation_id.in_(ids),
                                                     User.is_active_account.is_(True))
                     .group_by(User.organisation_id))
        for user in db.session.scalars(select(User).where(User.id.in_(first_ids))):
            contacts[user.organisation_id] = user
    return organisations, contacts


def invite_organisation(application_id: int, *, by: User, organisation_id: int,
                        expected_version) -> Participant:
    """Invite an organisation already on OpenCall through its contact user."""
    application = get_application(application_id, by=by)
    require_coordinator(application, by)
    require_editable(application)
    check_version(application, expected_version)
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_("There is no such organisation."))
    if any(p.organisation_id == organisation.id for p in application.participants):
        raise DomainError(_("%(organisation)s is already in the consortium or invited.",
                            organisation=organisation.name))
    contact = contact_user_of(organisation.id)
    if contact is None:
        raise DomainError(_("%(organisation)s has no contact on OpenCall yet: invite someone "
                            "there by e-mail instead.", organisation=organisation.name))
    participant = Participant(role=ParticipantRole.PARTNER, organisation=organisation,
                              contact_user_id=contact.id, invited_email=contact.email,
                              invited_at=utcnow(), fields_of_science=[])
    application.participants.append(participant)
    save_changes(application)
    _send_invitation(application, participant, by)
    audit.record(by, "application.partner_invited", application,
                 {"email": contact.email, "organisation": organisation.name})
    return participant


def read_invitation(token: str) -> Participant:
    """The pending participation a link stands for, or a DomainError saying why not."""
    try:
        data = _serializer().loads(token, max_age=_max_age())
    except SignatureExpired:
        raise DomainError(_("This invitation has expired. Ask the coordinator for a new one.")) \
            from None
    except BadSignature:
        raise DomainError(_("This invitation link is not valid.")) from None
    participant = db.session.get(Participant, data.get("participant"))
    if participant is None or participant.invited_email != data.get("email"):
        raise DomainError(_("This invitation was withdrawn by the coordinator."))
    if participant.is_accepted:
        raise DomainError(_("This invitation has already been accepted."))
    return participant


def accept_invitation(token: str, *, by: User) -> Application:
    """Join the consortium with the user's organisation; the user becomes its contact."""
    participant = read_invitation(token)
    application = participant.application
    require_editable(application)
    if by.organisation_id is None:
        raise DomainError(_("Your account has no organisation. Register your organisation "
                            "with a new account, then open the invitation link again."))
    if participant.organisation_id is not None and participant.organisation_id != \
            by.organisation_id:
        # The invitee holds the link, so this is advice for them, not a refusal of access.
        raise DomainError(_("This invitation is for %(organisation)s: sign in with an account "
                            "of that organisation.", organisation=participant.organisation.name))
    if any(p.organisation_id == by.organisation_id and p.id != participant.id
           for p in application.participants):
        raise DomainError(_("Your organisation is already in this consortium."))
    organisation = by.organisation
    participant.organisation = organisation
    participant.contact_user_id = by.id
    participant.accepted_at = utcnow()
    participant.fields_of_science = list(organisation.fields_of_science or [])
    by.grant(Role.applicant)
    save_changes(application)
    audit.record(by, "application.partner_joined", application,
                 {"organisation": organisation.name, "participant": participant.id})
    return application


def participant_in(application: Application, participant_id: int) -> Participant:
    participant = next((p for p in application.participants if p.id == participant_id), None)
    if participant is None:
        raise NotFound(_("There is no such participant in this consortium."))
    return participant


def remove_participant(application_id: int, participant_id: int, *, by: User,
                       expected_version) -> Participant:
    """Remove a partner (or cancel an invitation); their budget lines go with them."""
    application = get_application(application_id, by=by)
    require_coordinator(application, by)
    require_editable(application)
    participant = participant_in(application, participant_id)
    if participant.role == ParticipantRole.COORDINATOR:
        raise DomainError(_("The coordinator cannot be removed from the consortium."))
    check_version(application, expected_version)
    name = participant.organisation.name if participant.organisation else \
        participant.invited_email
    application.participants.remove(participant)
    save_changes(application)
    audit.record(by, "application.partner_removed", application,
                 {"participant": participant_id, "name": name})
    return participant


def own_participant(application: Application, participant_id: int, by: User) -> Participant:
    """The participant, if it is the user's own organisation's; 403 for another partner's."""
    participant = participant_in(application, participant_id)
    if not participant.is_accepted or participant.contact_user_id != by.id:
        raise Forbidden(_("You can change only your own organisation's part of the application."))
    return participant


@dataclass(frozen=True)
class ParticipationData:
    fields_of_science: tuple[str, ...] = ()
    key_personnel_women: int | None = None
    key_personnel_men: int | None = None


def update_participation(application_id: int, participant_id: int, *, by: User,
                         data: ParticipationData, expected_version) -> Participant:
    application = get_application(application_id, by=by)
    participant = own_participant(application, participant_id, by)
    require_editable(application)
    check_version(application, expected_version)
    unknown = set(data.fields_of_science) - set(FORD_FIELDS)
    if unknown:
        raise DomainError(_("Choose fields from the OECD list."), field="fields_of_science")
    for name in ("key_personnel_women", "key_personnel_men"):
        value = getattr(data, name)
        if value is not None and not 0 <= value <= 1000:
            raise DomainError(_("Enter a number from 0 to 1000, or leave it empty."), field=name)
    participant.fields_of_science = list(data.fields_of_science)
    participant.key_personnel_women = data.key_personnel_women
    participant.key_personnel_men = data.key_personnel_men
    save_changes(application)
    audit.record(by, "application.participation_updated", application,
                 {"participant": participant.id})
    return participant


def set_role(application_id: int, participant_id: int, *, by: User, role: str,
             expected_version) -> Participant:
    """The coordinator makes a participant a partner, an associated partner or a named
    subcontractor; the checklist and the budget follow (only beneficiaries count, and
    only they request a grant)."""
    application = get_application(application_id, by=by)
    require_coordinator(application, by)
    require_editable(application)
    participant = participant_in(application, participant_id)
    if participant.role == ParticipantRole.COORDINATOR:
        raise DomainError(_("The coordinator's role cannot change."), field="role")
    try:
        role = ParticipantRole(role)
    except ValueError:
        raise DomainError(_("Choose one of the listed roles."), field="role") from None
    if role == ParticipantRole.COORDINATOR:
        raise DomainError(_("An application has one coordinator."), field="role")
    check_version(application, expected_version)
    previous = participant.role
    participant.role = role
    save_changes(application)
    audit.record(by, "application.participant_role_set", application,
                 {"participant": participant.id, "from": previous, "to": str(role)})
    return participant
