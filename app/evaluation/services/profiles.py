"""Expert profiles: fields, keywords, country, organisation and declared affiliations."""

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select

from app.accounts.models import Invitation, Organisation, Role, User, UserRole
from app.applications.models import Application, Participant
from app.calls.models import Call
from app.core import audit
from app.core.classifications import FORD_FIELDS
from app.core.errors import DomainError, NotFound
from app.core.extensions import db
from app.evaluation.models import ExpertAffiliation, ExpertProfile
from app.evaluation.rules.assignment import Affiliation, Expert


def find_profile(user: User) -> ExpertProfile | None:
    return db.session.scalar(select(ExpertProfile).where(ExpertProfile.user_id == user.id))


def profile_or_blank(user: User) -> ExpertProfile:
    """The expert's profile, or an unsaved one prefilled from the account, to display."""
    organisation = user.organisation
    return find_profile(user) or ExpertProfile(
        user_id=user.id, fields_of_science=[], keywords="", affiliations=[],
        organisation_id=user.organisation_id,
        country=organisation.country if organisation else None)


def profile_for(user: User) -> ExpertProfile:
    """The expert's profile, created (from the account's organisation) on first use."""
    profile = find_profile(user)
    if profile is None:
        organisation = user.organisation
        profile = ExpertProfile(user_id=user.id, fields_of_science=[], keywords="",
                                organisation_id=user.organisation_id,
                                country=organisation.country if organisation else None)
        db.session.add(profile)
        db.session.flush()
    return profile


def _organisation(organisation_id: int | None, field: str) -> Organisation | None:
    if organisation_id is None:
        return None
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise DomainError(_("Choose an organisation from the list."), field=field)
    return organisation


def update_profile(*, by: User, fields_of_science: Iterable[str], keywords: str,
                   country: str | None, organisation_id: int | None) -> ExpertProfile:
    fields = sorted(set(fields_of_science))
    unknown = [code for code in fields if code not in FORD_FIELDS]
    if unknown:
        raise DomainError(_("Unknown fields of science: %(codes)s.", codes=", ".join(unknown)),
                          field="fields_of_science")
    profile = profile_for(by)
    _organisation(organisation_id, "organisation_id")
    profile.fields_of_science = fields
    profile.keywords = keywords.strip()[:500]
    profile.country = country or None
    profile.organisation_id = organisation_id
    audit.record(by, "evaluation.profile_updated", profile,
                 {"fields": fields, "country": profile.country,
                  "organisation_id": organisation_id})
    db.session.flush()
    return profile


def add_affiliation(*, by: User, organisation_id: int | None, until: date | None
                    ) -> ExpertAffiliation:
    if organisation_id is None:
        raise DomainError(_("Choose an organisation."), field="organisation_id")
    organisation = _organisation(organisation_id, "organisation_id")
    profile = profile_for(by)
    if any(a.organisation_id == organisation.id for a in profile.affiliations):
        raise DomainError(_("This affiliation is already declared; remove it first to change it."),
                          field="organisation_id")
    affiliation = ExpertAffiliation(organisation_id=organisation.id, until=until)
    profile.affiliations.append(affiliation)
    db.session.flush()
    audit.record(by, "evaluation.affiliation_declared", profile,
                 {"organisation_id": organisation.id,
                  "until": until.isoformat() if until else None})
    return affiliation


def remove_affiliation(*, by: User, affiliation_id: int) -> None:
    profile = profile_for(by)
    affiliation = next((a for a in profile.affiliations if a.id == affiliation_id), None)
    if affiliation is None:
        raise NotFound(_("This affiliation does not exist."))
    profile.affiliations.remove(affiliation)
    audit.record(by, "evaluation.affiliation_removed", profile,
                 {"organisation_id": affiliation.organisation_id})
    db.session.flush()


def organisation_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Organisation.id, Organisation.name, Organisation.country)
                              .order_by(Organisation.name, Organisation.id))
    return [(row.id, f"{row.name} ({row.country})") for row in rows]


def expert_pool(call: Call) -> list[User]:
    """Active evaluators whose accepted invitation names the call's funder (or no funder)."""
    invited = exists().where(
        Invitation.email == User.email, Invitation.role == Role.evaluator,
        Invitation.accepted_at.is_not(None),
        or_(Invitation.funder_id == call.funder_id, Invitation.funder_id.is_(None)))
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.evaluator, User.is_active_account.is_(True), invited)
        .order_by(User.id)))


def profiles_by_user(user_ids: Iterable[int]) -> dict[int, ExpertProfile]:
    ids = list(user_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(ExpertProfile).where(ExpertProfile.user_id.in_(ids)))
    return {row.user_id: row for row in rows}


def controllers_of(organisation_ids: Iterable[int]) -> dict[int, int | None]:
    ids = [i for i in set(organisation_ids) if i is not None]
    if not ids:
        return {}
    rows = db.session.execute(select(Organisation.id, Organisation.controller_id)
                              .where(Organisation.id.in_(ids)))
    return {row.id: row.controller_id for row in rows}


def as_expert(user: User, profile: ExpertProfile | None,
              controllers: dict[int, int | None]) -> Expert:
    """The pure rules' view of an expert: keys are ids as text. The profile's organisation
    comes first; a profile without one ("independent") still counts the account's own."""
    organisation_id = (profile.organisation_id if profile else None) or user.organisation_id
    controller = controllers.get(organisation_id) if organisation_id else None
    return Expert(
        key=str(user.id),
        fields_of_science=tuple(profile.fields_of_science) if profile else (),
        country=profile.country if profile else None,
        organisation=str(organisation_id) if organisation_id else None,
        controller=str(controller) if controller else None,
        affiliations=tuple(Affiliation(str(a.organisation_id), a.until)
                           for a in (profile.affiliations if profile else ())),
    )


def as_account_expert(user: User, profile: ExpertProfile | None,
                      controllers: dict[int, int | None]) -> Expert | None:
    """The expert seen from the account's organisation when the profile names another one:
    an expert cannot leave their employer's conflicts behind by editing the profile."""
    account_id = user.organisation_id
    if account_id is None or as_expert(user, profile, controllers).organisation == str(account_id):
        return None
    controller = controllers.get(account_id)
    return Expert(key=str(user.id), organisation=str(account_id),
                  controller=str(controller) if controller else None)


def consortium_memberships(user_ids: Iterable[int], application_ids: Iterable[int]
                           ) -> set[tuple[str, str]]:
    """(expert, application) pairs, as text, where the user belongs to the consortium: its
    creator or a participant's contact, invited or accepted (both know the proposal)."""
    users, applications = list(user_ids), list(application_ids)
    if not users or not applications:
        return set()
    contacts = db.session.execute(select(Participant.contact_user_id, Participant.application_id)
                                  .where(Participant.contact_user_id.in_(users),
                                         Participant.application_id.in_(applications)))
    creators = db.session.execute(select(Application.created_by_id, Application.id)
                                  .where(Application.created_by_id.in_(users),
                                         Application.id.in_(applications)))
    return {(str(user), str(application)) for user, application in [*contacts, *creators]}
