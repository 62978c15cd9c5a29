"""Creator fixtures for the directory: profiles, and listed organisations with a contact person."""

from dataclasses import dataclass

import pytest

from app.accounts.models import Organisation, Role, User
from app.core.extensions import db
from app.directory.models import OrganisationProfile


@dataclass
class Listed:
    organisation: Organisation
    profile: OrganisationProfile
    contact: User | None


@pytest.fixture
def make_profile(app):
    def make(organisation: Organisation, **fields) -> OrganisationProfile:
        profile = OrganisationProfile(
            organisation_id=organisation.id,
            looking_for_partners=fields.pop("looking_for_partners", True),
            offer=fields.pop("offer", "We bring field trials; we seek firms to deploy them."),
            competencies=fields.pop("competencies", ""), tags=fields.pop("tags", []),
            ict_interests=fields.pop("ict_interests", []), **fields)
        db.session.add(profile)
        db.session.commit()
        return profile

    return make


@pytest.fixture
def make_listed(app, make_organisation, make_user, make_profile):
    """An organisation with a profile and, unless `with_contact=False`, one applicant user."""

    def make(name: str | None = None, *, country: str = "AT", org_type: str = "REC",
             with_contact: bool = True, profile: dict | None = None, **fields) -> Listed:
        organisation = make_organisation(name, country=country, org_type=org_type, **fields)
        contact = make_user(Role.applicant, organisation=organisation,
                            name=f"Contact of {organisation.name}") if with_contact else None
        return Listed(organisation, make_profile(organisation, **(profile or {})), contact)

    return make
