"""Asking an organisation to join a consortium: the request, its daily limit, the answer."""

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from app.accounts.models import User
from app.applications.services.applications import require_editable
from app.applications.services.consortium import invite_by_email
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.core.links import public_url
from app.core.mail import send_mail
from app.directory.models import ContactRequest, ContactRequestStatus
from app.directory.services.profiles import contact_user_of, find_profile, get_organisation
from app.directory.services.suggestions import coordinated_application, taken_organisations

PURPOSE = "opencall.contact-request"
MAX_NOTE = 2000
DAY = timedelta(hours=24)


def daily_limit() -> int:
    return int(current_app.config.get("CONTACT_REQUESTS_PER_DAY", 20))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=PURPOSE)


def _max_age() -> int:
    return current_app.config["INVITATION_MAX_AGE"]


def answer_link(request: ContactRequest) -> str:
    token = _serializer().dumps({"request": request.id})
    return public_url("directory.contact_request", token=token)


def sent_in_last_day(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(ContactRequest).where(
            ContactRequest.requested_by_id == user.id,
            ContactRequest.created_at >= utcnow() - DAY))


def _check_daily_limit(user: User) -> None:
    """Counted in the database, so the limit holds across processes and hosts."""
    # Lock the sender's row first: two requests sent at once cannot both pass the count
    # (PostgreSQL; SQLite lets one writer in at a time anyway).
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    limit = daily_limit()
    if sent_in_last_day(user) >= limit:
        raise DomainError(_("You have sent %(limit)d requests in the last 24 hours, the most "
                            "OpenCall allows to keep the directory free of spam. "
                            "Try again tomorrow.", limit=limit))


def ask_to_join(application_id: int, organisation_id: int, *, by: User,
                note: str = "") -> ContactRequest:
    """Mail the organisation's contact person a request to join the coordinator's consortium."""
    application = coordinated_application(application_id, by=by)
    require_editable(application)
    organisation = get_organisation(organisation_id)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise DomainError(_("Keep the note under %(limit)d characters.", limit=MAX_NOTE),
                          field="note")
    if organisation.id in taken_organisations(application):
        raise DomainError(_("%(organisation)s is already in the consortium or invited.",
                            organisation=organisation.name))
    if db.session.scalar(select(ContactRequest.id).where(
            ContactRequest.application_id == application.id,
            ContactRequest.organisation_id == organisation.id)) is not None:
        raise DomainError(_("You have already asked %(organisation)s to join %(acronym)s.",
                            organisation=organisation.name, acronym=application.acronym))
    recipient = contact_user_of(organisation.id, find_profile(organisation.id))
    if recipient is None:
        raise DomainError(_("%(organisation)s has nobody on OpenCall yet to receive a "
                            "request. Use the contact details on its profile, if it published "
                            "any.", organisation=organisation.name))
    _check_daily_limit(by)
    request = ContactRequest(application_id=application.id, organisation_id=organisation.id,
                             recipient_id=recipient.id, requested_by_id=by.id, note=note,
                             status=ContactRequestStatus.PENDING, created_at=utcnow())
    db.session.add(request)
    db.session.flush()
    _mail_request(request, application, organisation, recipient, by)
    audit.record(by, "directory.contact_requested", request,
                 {"application": application.id, "organisation": organisation.name})
    return request


def _language_of(user: User) -> str:
    """The language of a user's e-mails: the one they chose, else the deployment's."""
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def _mail_request(request, application, organisation, recipient: User, by: User) -> None:
    call = application.call
    coordinator = by.organisation
    days = _max_age() // (24 * 3600)
    link = answer_link(request)
    with force_locale(_language_of(recipient)):
        note = _("Their note:\n%(note)s", note=request.note) + "\n\n" if request.note else ""
        subject = _("%(coordinator)s asks %(organisation)s to join %(acronym)s",
                    coordinator=coordinator.name, organisation=organisation.name,
                    acronym=application.acronym)
        body = _("Hello %(name)s,\n\n%(sender)s of %(coordinator)s (%(country)s) coordinates "
                 "the application %(acronym)s — %(title)s\nto the call %(reference)s "
                 "(%(call_title)s).\nThey found %(organisation)s in the OpenCall partner "
                 "directory and ask whether you would like to join the consortium.\n\n",
                 name=recipient.name, sender=by.name, coordinator=coordinator.name,
                 country=coordinator.country, acronym=application.acronym,
                 title=application.title, reference=call.reference, call_title=call.title,
                 organisation=organisation.name) + note + _(
            "Answer yes or no here (valid for %(days)d days; sign in with your OpenCall "
            "account):\n%(link)s\n\nIf you answer yes, the coordinator's invitation to join "
            "is sent to your address. Otherwise the coordinator does not see your e-mail "
            "address.\n", days=days, link=link)
    send_mail(recipient.email, subject, body, secrets=[link])


def read_contact_request(token: str, *, by: User) -> ContactRequest:
    """The request a link stands for, for people of the asked organisation (others: 404)."""
    try:
        data = _serializer().loads(token, max_age=_max_age())
    except SignatureExpired:
        raise DomainError(_("This request has expired; the coordinator may ask again.")) from None
    except BadSignature:
        raise NotFound(_("This link is not valid.")) from None
    request = db.session.get(ContactRequest, data.get("request"))
    if request is None or by.organisation_id != request.organisation_id:
        raise NotFound(_("There is no such request for your organisation."))
    return request


def answer_contact_request(token: str, *, by: User, accept: bool) -> ContactRequest:
    """Yes sends the coordinator's partner invitation to `by`; no tells the coordinator."""
    request = read_contact_request(token, by=by)
    if request.status != ContactRequestStatus.PENDING:
        raise Conflict(_("This request has already been answered."))
    application = request.application
    coordinator = request.requested_by
    request.answered_at = utcnow()
    request.answered_by_id = by.id
    request.status = ContactRequestStatus.ACCEPTED if accept else ContactRequestStatus.DECLINED
    if accept:
        try:
            invite_by_email(application.id, by=coordinator, email=by.email,
                            expected_version=application.version)
        except (NotFound, Forbidden):
            raise DomainError(_("The person who asked no longer coordinates this application, "
                                "so the invitation cannot be sent.")) from None
    db.session.flush()
    values = {"organisation": request.organisation.name, "acronym": application.acronym,
              "name": coordinator.name, "reference": application.call.reference}
    with force_locale(_language_of(coordinator)):
        if accept:
            subject = _("%(organisation)s said yes: %(acronym)s", **values)
            body = _("Hello %(name)s,\n\n%(organisation)s said yes to your request to join "
                     "%(acronym)s (%(reference)s).\nWe sent them your partner invitation; they "
                     "join the consortium when they accept it.\n", **values)
        else:
            subject = _("%(organisation)s declined: %(acronym)s", **values)
            body = _("Hello %(name)s,\n\n%(organisation)s declined to your request to join "
                     "%(acronym)s (%(reference)s).\nLook for another partner in the "
                     "directory.\n", **values)
    send_mail(coordinator.email, subject, body)
    audit.record(by, "directory.contact_answered", request,
                 {"application": application.id, "accepted": accept})
    return request
