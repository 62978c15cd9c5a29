"""Asking an organisation to join a consortium: the request, its daily limit, the answer."""

from datetime import timedelta

from flask import current_app
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
        raise DomainError(f"You have sent {limit} requests in the last 24 hours, the most "
                          "OpenCall allows to keep the directory free of spam. "
                          "Try again tomorrow.")


def ask_to_join(application_id: int, organisation_id: int, *, by: User,
                note: str = "") -> ContactRequest:
    """Mail the organisation's contact person a request to join the coordinator's consortium."""
    application = coordinated_application(application_id, by=by)
    require_editable(application)
    organisation = get_organisation(organisation_id)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise DomainError(f"Keep the note under {MAX_NOTE} characters.", field="note")
    if organisation.id in taken_organisations(application):
        raise DomainError(f"{organisation.name} is already in the consortium or invited.")
    if db.session.scalar(select(ContactRequest.id).where(
            ContactRequest.application_id == application.id,
            ContactRequest.organisation_id == organisation.id)) is not None:
        raise DomainError(f"You have already asked {organisation.name} to join "
                          f"{application.acronym}.")
    recipient = contact_user_of(organisation.id, find_profile(organisation.id))
    if recipient is None:
        raise DomainError(f"{organisation.name} has nobody on OpenCall yet to receive a "
                          "request. Use the contact details on its profile, if it published any.")
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


def _mail_request(request, application, organisation, recipient: User, by: User) -> None:
    call = application.call
    coordinator = by.organisation
    days = _max_age() // (24 * 3600)
    note = f"Their note:\n{request.note}\n\n" if request.note else ""
    link = answer_link(request)
    send_mail(
        recipient.email,
        f"{coordinator.name} asks {organisation.name} to join {application.acronym}",
        f"Hello {recipient.name},\n\n"
        f"{by.name} of {coordinator.name} ({coordinator.country}) coordinates the application "
        f"{application.acronym} — {application.title}\n"
        f"to the call {call.reference} ({call.title}).\n"
        f"They found {organisation.name} in the OpenCall partner directory and ask whether "
        f"you would like to join the consortium.\n\n{note}"
        f"Answer yes or no here (valid for {days} days; sign in with your OpenCall account):\n"
        f"{link}\n\n"
        "If you answer yes, the coordinator's invitation to join is sent to your address. "
        "Otherwise the coordinator does not see your e-mail address.\n", secrets=[link])


def read_contact_request(token: str, *, by: User) -> ContactRequest:
    """The request a link stands for, for people of the asked organisation (others: 404)."""
    try:
        data = _serializer().loads(token, max_age=_max_age())
    except SignatureExpired:
        raise DomainError("This request has expired; the coordinator may ask again.") from None
    except BadSignature:
        raise NotFound("This link is not valid.") from None
    request = db.session.get(ContactRequest, data.get("request"))
    if request is None or by.organisation_id != request.organisation_id:
        raise NotFound("There is no such request for your organisation.")
    return request


def answer_contact_request(token: str, *, by: User, accept: bool) -> ContactRequest:
    """Yes sends the coordinator's partner invitation to `by`; no tells the coordinator."""
    request = read_contact_request(token, by=by)
    if request.status != ContactRequestStatus.PENDING:
        raise Conflict("This request has already been answered.")
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
            raise DomainError("The person who asked no longer coordinates this application, "
                              "so the invitation cannot be sent.") from None
    db.session.flush()
    answer = "said yes" if accept else "declined"
    follow_up = ("We sent them your partner invitation; they join the consortium when they "
                 "accept it.\n" if accept else "Look for another partner in the directory.\n")
    send_mail(coordinator.email,
              f"{request.organisation.name} {answer}: {application.acronym}",
              f"Hello {coordinator.name},\n\n{request.organisation.name} {answer} to your "
              f"request to join {application.acronym} ({application.call.reference}).\n"
              f"{follow_up}")
    audit.record(by, "directory.contact_answered", request,
                 {"application": application.id, "accepted": accept})
    return request
