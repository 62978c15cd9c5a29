"""Assistance centres and advisers: who they are, what they speak, which calls they support."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Organisation, Role, User
from app.assistance.models import Adviser, AssistanceCentre
from app.assistance.rules.languages import LANGUAGES
from app.calls.models import Call
from app.calls.rules.lifecycle import CallStatus
from app.core import audit
from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.core.extensions import db


def create_centre(*, by: User, organisation_id: int, services: str = "") -> AssistanceCentre:
    """Admins record that an organisation helps firms apply."""
    if not by.has_role(Role.admin):
        raise Forbidden(_("Only admins register assistance centres."))
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_("There is no such organisation."))
    name = organisation.name  # read now: a failed flush expires every loaded object
    centre = AssistanceCentre(organisation=organisation, services=services.strip(),
                              created_by_id=by.id)
    db.session.add(centre)
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict(_("%(name)s is already an assistance centre.", name=name),
                       field="organisation_id") from None
    audit.record(by, "assistance.centre_created", centre, {"organisation": organisation.name})
    return centre


def list_centres() -> list[AssistanceCentre]:
    return list(db.session.scalars(
        select(AssistanceCentre).join(Organisation)
        .options(joinedload(AssistanceCentre.organisation),
                 selectinload(AssistanceCentre.advisers).options(
                     joinedload(Adviser.user), selectinload(Adviser.calls)))
        .order_by(Organisation.name)))


def add_adviser(*, by: User, centre_id: int, email: str) -> Adviser:
    """An existing account becomes an adviser of the centre (admins only)."""
    if not by.has_role(Role.admin):
        raise Forbidden(_("Only admins appoint advisers."))
    centre = db.session.get(AssistanceCentre, centre_id)
    if centre is None:
        raise NotFound(_("There is no such assistance centre."))
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise DomainError(_("There is no account with this e-mail address; the adviser "
                            "registers first."), field="email")
    if db.session.scalar(select(Adviser.id).where(Adviser.user_id == user.id)):
        raise Conflict(_("This person is already an adviser."), field="email")
    adviser = Adviser(user=user, centre=centre, languages=[], topics=[])
    user.grant(Role.adviser)
    db.session.add(adviser)
    db.session.flush()
    audit.record(by, "assistance.adviser_added", adviser, {"user": user.id,
                                                           "centre": centre.id})
    return adviser


def my_profile(user: User) -> Adviser | None:
    return db.session.scalar(select(Adviser).where(Adviser.user_id == user.id)
                             .options(selectinload(Adviser.calls),
                                      joinedload(Adviser.centre)))


@dataclass(frozen=True)
class ProfileData:
    languages: tuple[str, ...]
    topics: tuple[str, ...]
    call_ids: tuple[int, ...]
    phone: str = ""


def supportable_calls() -> list[Call]:
    return list(db.session.scalars(select(Call).where(Call.status != CallStatus.DRAFT)
                                   .order_by(Call.closes_at.desc(), Call.reference)))


def update_profile(*, by: User, data: ProfileData) -> Adviser:
    adviser = my_profile(by)
    if adviser is None:
        raise NotFound(_("You are not registered as an adviser of an assistance centre."))
    unknown = set(data.languages) - set(LANGUAGES)
    if unknown or not data.languages:
        raise DomainError(_("Choose the languages you advise in."), field="languages")
    topics = list(dict.fromkeys(t.strip() for t in data.topics if t.strip()))
    if len(topics) > 12 or any(len(t) > 60 for t in topics):
        raise DomainError(_("Name at most 12 topics of up to 60 characters."), field="topics")
    calls = [c for c in supportable_calls() if c.id in set(data.call_ids)]
    if len(calls) != len(set(data.call_ids)):
        raise DomainError(_("Choose published calls."), field="call_ids")
    adviser.languages, adviser.topics, adviser.calls = list(data.languages), topics, calls
    adviser.phone = data.phone.strip() or None
    audit.record(by, "assistance.profile_updated", adviser)
    return adviser


def advisers_for_call(reference: str) -> tuple[Call, list[Adviser]]:
    """The advisers who support a published call, for its applicants."""
    call = db.session.scalar(select(Call).where(Call.reference == reference,
                                                Call.status != CallStatus.DRAFT))
    if call is None:
        raise NotFound(_("There is no such call."))
    advisers = list(db.session.scalars(
        select(Adviser).where(Adviser.calls.any(Call.id == call.id))
        .options(joinedload(Adviser.user),
                 joinedload(Adviser.centre).joinedload(AssistanceCentre.organisation))
        .order_by(Adviser.id)))
    return call, advisers


def all_advisers() -> list[Adviser]:
    return list(db.session.scalars(
        select(Adviser).options(joinedload(Adviser.user),
                                joinedload(Adviser.centre).joinedload(
                                    AssistanceCentre.organisation))
        .order_by(Adviser.id)))
