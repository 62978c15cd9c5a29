"""Organisation profiles: what the directory shows of an organisation, and editing one's own."""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Organisation, User
from app.applications.models import Application, ApplicationStatus, Participant
from app.calls.models import Call
from app.calls.rules.finance import ICTCategory
from app.core import audit
from app.core.errors import DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.directory.models import OrganisationProfile

# Applications that went in: drafts never show, withdrawn ones were never applied with.
SUBMITTED_STATUSES = frozenset(ApplicationStatus) - {ApplicationStatus.DRAFT,
                                                      ApplicationStatus.WITHDRAWN}
MAX_OFFER = 1000
MAX_COMPETENCIES = 5000
MAX_TAGS = 20
MAX_TAG_LENGTH = 40
_PHONE = re.compile(r"\+?[0-9 ()./-]{6,40}")


def get_organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_("There is no such organisation."))
    return organisation


def find_profile(organisation_id: int) -> OrganisationProfile | None:
    return db.session.scalar(select(OrganisationProfile).where(
        OrganisationProfile.organisation_id == organisation_id))


def can_edit(user: User, organisation_id: int) -> bool:
    return getattr(user, "organisation_id", None) == organisation_id


@dataclass(frozen=True)
class Participation:
    acronym: str
    call_reference: str
    call_title: str
    year: int


def participations_of(organisation_id: int) -> list[Participation]:
    """Submitted applications the organisation is in: acronym and call only, never budgets."""
    rows = db.session.execute(
        select(Application.acronym, Call.reference, Call.title, Application.submitted_at,
               Application.created_at)
        .join(Participant, Participant.application_id == Application.id)
        .join(Call, Call.id == Application.call_id)
        .where(Participant.organisation_id == organisation_id,
               Participant.accepted_at.is_not(None),
               Application.status.in_(sorted(SUBMITTED_STATUSES)))
        .order_by(Call.closes_at.desc(), Application.acronym))
    return [Participation(acronym, reference, title, (submitted or created).year)
            for acronym, reference, title, submitted, created in rows]


@dataclass(frozen=True)
class PublicContact:
    """Only what the organisation chose to publish; everything else stays None."""

    email: str | None = None
    phone: str | None = None
    website: str | None = None
    person: str | None = None


def public_contact(organisation: Organisation, profile: OrganisationProfile | None,
                   contact: User | None) -> PublicContact:
    if profile is None:
        return PublicContact(website=organisation.website)
    return PublicContact(
        email=profile.contact_email if profile.is_email_public else None,
        phone=profile.phone if profile.is_phone_public else None,
        website=organisation.website if profile.is_website_public else None,
        person=contact.name if contact is not None and profile.is_contact_name_public else None)


def contact_user_of(organisation_id: int,
                    profile: OrganisationProfile | None = None) -> User | None:
    """Who receives requests: the profile's chosen contact if still active, else the first
    active account of the organisation."""
    if profile is not None and profile.contact_user is not None and \
            profile.contact_user.is_active and profile.contact_user.organisation_id == \
            organisation_id:
        return profile.contact_user
    return db.session.scalar(
        select(User).where(User.organisation_id == organisation_id,
                           User.is_active_account.is_(True)).order_by(User.id).limit(1))


def colleagues(organisation_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.organisation_id == organisation_id,
                           User.is_active_account.is_(True)).order_by(User.name, User.id)))


@dataclass(frozen=True)
class ProfileData:
    looking_for_partners: bool = False
    offer: str = ""
    competencies: str = ""
    tags: tuple[str, ...] = ()
    ict_interests: tuple[str, ...] = ()
    contact_user_id: int | None = None
    contact_email: str | None = None
    phone: str | None = None
    is_email_public: bool = False
    is_phone_public: bool = False
    is_website_public: bool = True
    is_contact_name_public: bool = False


def parse_tags(text: str) -> tuple[str, ...]:
    """Comma-separated keywords, trimmed, without repeats (case-insensitive), in order."""
    seen: dict[str, str] = {}
    for tag in (text or "").split(","):
        tag = " ".join(tag.split())
        if tag and tag.lower() not in seen:
            seen[tag.lower()] = tag
    return tuple(seen.values())


def _validate(organisation_id: int, data: ProfileData) -> ProfileData:
    if len(data.offer) > MAX_OFFER:
        raise DomainError(_("Keep the offer under %(limit)d characters.", limit=MAX_OFFER),
                          field="offer")
    if len(data.competencies) > MAX_COMPETENCIES:
        raise DomainError(_("Keep the competencies under %(limit)d characters.",
                            limit=MAX_COMPETENCIES), field="competencies")
    if len(data.tags) > MAX_TAGS or any(len(tag) > MAX_TAG_LENGTH for tag in data.tags):
        raise DomainError(_("Use at most %(tags)d tags of up to %(length)d characters.",
                            tags=MAX_TAGS, length=MAX_TAG_LENGTH), field="tags")
    if set(data.ict_interests) - set(ICTCategory):
        raise DomainError(_("Choose among the listed ICT solutions."), field="ict_interests")
    if data.looking_for_partners and not data.offer.strip():
        raise DomainError(_("Say in a few words what you bring and what you seek."), field="offer")
    if data.is_email_public and not data.contact_email:
        raise DomainError(_("Enter the address to publish, or keep it private."),
                          field="contact_email")
    if data.phone and not _PHONE.fullmatch(data.phone):
        raise DomainError(_("Enter a phone number with digits, spaces and an optional +."),
                          field="phone")
    if data.is_phone_public and not data.phone:
        raise DomainError(_("Enter the phone number to publish, or keep it private."),
                          field="phone")
    if data.contact_user_id is not None and data.contact_user_id not in {
            user.id for user in colleagues(organisation_id)}:
        raise DomainError(_("Choose a person of your organisation."), field="contact_user_id")
    return data


def get_organisation_to_edit(organisation_id: int, *, by: User) -> Organisation:
    """The organisation, for its own people to edit its profile; everyone may know it exists
    (the directory lists it), so others get 403."""
    organisation = get_organisation(organisation_id)
    if not can_edit(by, organisation.id):
        raise Forbidden(_("Only people of this organisation may edit its profile."))
    return organisation


def update_profile(organisation_id: int, *, by: User, data: ProfileData) -> OrganisationProfile:
    """Save the organisation's profile; only its own users may (others get 403)."""
    organisation = get_organisation_to_edit(organisation_id, by=by)
    data = _validate(organisation.id, data)
    profile = find_profile(organisation.id)
    if profile is None:
        profile = OrganisationProfile(organisation_id=organisation.id)
        db.session.add(profile)
    profile.looking_for_partners = data.looking_for_partners
    profile.offer = data.offer.strip()
    profile.competencies = data.competencies.strip()
    profile.tags = list(data.tags)
    profile.ict_interests = [code for code in ICTCategory if code in data.ict_interests]
    profile.contact_user_id = data.contact_user_id
    profile.contact_email = (data.contact_email or "").strip().lower() or None
    profile.phone = (data.phone or "").strip() or None
    profile.is_email_public = data.is_email_public
    profile.is_phone_public = data.is_phone_public
    profile.is_website_public = data.is_website_public
    profile.is_contact_name_public = data.is_contact_name_public
    db.session.flush()
    audit.record(by, "directory.profile_updated", profile,
                 {"organisation": organisation.name,
                  "looking_for_partners": data.looking_for_partners})
    return profile
