"""Demo directory: every CORDIS organisation of the extract, profiled from its real projects."""

import csv
import re
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app.accounts.models import Organisation, Role, User
from app.accounts.services.passwords import hash_password
from app.calls.rules.countries import EU_MEMBER_STATES
from app.calls.rules.finance import ICTCategory
from app.core.extensions import db
from app.demo.cordis import DATA, CordisOrganisation, load_organisations
from app.directory.models import OrganisationProfile

ATTRIBUTION = "(From CORDIS, © European Union.)"
LOOKING_TYPES = frozenset({"PRC", "REC", "HES"})
# Words of a project's title and objective that show an interest in an ICT category, as
# whole words ("web" must not find the James Webb telescope).
ICT_KEYWORDS = {
    ICTCategory.BROADBAND: ("broadband", "network", "5g", "connectivity", "wireless", "fibre"),
    ICTCategory.ONLINE_COMMUNICATION: ("communication", "online", "social media", "platform"),
    ICTCategory.WEB_CONTENT_MANAGEMENT: ("web", "website", "content management", "archive"),
    ICTCategory.E_COMMERCE: ("commerce", "market", "business model"),
    ICTCategory.CLOUD_SOFTWARE: ("software", "cloud", "data", "machine learning",
                                 "artificial intelligence", "computing", "simulation"),
}
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Project:
    acronym: str
    title: str
    objective: str


def _projects() -> dict[str, Project]:
    with open(DATA / "he_project_head100.csv", newline="", encoding="utf-8") as handle:
        return {row["id"]: Project(row["acronym"].strip(), " ".join(row["title"].split()),
                                   " ".join(row["objective"].split()))
                for row in csv.DictReader(handle)}


def _topics() -> dict[str, list[str]]:
    """euroSciVoc topic titles per project: real keywords for the tags."""
    topics: dict[str, list[str]] = {}
    with open(DATA / "he_euroSciVoc_head100.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            topics.setdefault(row["projectID"], []).append(row["euroSciVocTitle"].strip())
    return topics


def _first_sentences(text: str, limit: int = 420) -> str:
    chosen = ""
    for sentence in _SENTENCE.split(text):
        if chosen and len(chosen) + len(sentence) > limit:
            break
        chosen = f"{chosen} {sentence}".strip()
    return chosen[:limit]


def _offer(org_type: str, project: Project) -> str:
    if org_type == "PRC":
        return (f"We bring what we built in {project.acronym} ({project.title}). We seek "
                "research centres and firms in other countries to pilot it in new markets.")
    if org_type in ("REC", "HES"):
        return (f"We bring the research of {project.acronym} ({project.title}). We seek "
                "small firms that want to apply it, and research partners abroad.")
    return f"We took part in {project.acronym} ({project.title})."


def profile_values(row: CordisOrganisation, projects: dict[str, Project],
                   topics: dict[str, list[str]]) -> dict:
    """A profile from the organisation's real projects: competencies, offer, tags, ICT."""
    own = [projects[pid] for pid in dict.fromkeys(row.projects) if pid in projects]
    tags = list(dict.fromkeys(tag for pid in row.projects for tag in topics.get(pid, ())))[:8]
    text = " ".join(f"{p.title} {p.objective}" for p in own).lower()
    ict = [code for code, words in ICT_KEYWORDS.items()
           if any(re.search(rf"\b{re.escape(w)}\b", text) for w in words)]
    competencies = "\n".join(
        [f"{p.acronym}: {p.title}. {_first_sentences(p.objective)}" for p in own[:2]]
        + [ATTRIBUTION]) if own else ""
    looking = row.org_type in LOOKING_TYPES
    return {"competencies": competencies, "offer": _offer(row.org_type, own[0]) if own else "",
            "tags": tags, "ict_interests": ict, "looking_for_partners": looking and bool(own),
            "is_website_public": True}


def _organisation(row: CordisOrganisation) -> Organisation:
    """The organisation the demo seed made for this PIC, or a new one like it."""
    identifier = f"PIC {row.pic}"
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.identifier == identifier))
    if organisation is None:
        organisation = Organisation(
            # CORDIS short names can be long lists of campuses; the column keeps 80.
            name=row.name[:300], short_name=(row.short_name or "")[:80] or None,
            country=row.country,
            org_type=row.org_type, is_sme=row.is_sme, identifier=identifier,
            website=row.website, fields_of_science=sorted(row.fields_of_science),
            description=row.description)
        db.session.add(organisation)
        db.session.flush()
    return organisation


def _needs_contact(organisation: Organisation, values: dict) -> bool:
    """Reachable demo partners: the EU firms and research centres looking for partners."""
    return values["looking_for_partners"] and organisation.country in EU_MEMBER_STATES


def _contact(organisation: Organisation, pic: str, password_hash: str) -> User | None:
    """The organisation's first user, or a new demo contact; None when one was not needed."""
    user = db.session.scalar(select(User).where(User.organisation_id == organisation.id)
                             .order_by(User.id).limit(1))
    if user is not None:
        return None
    email = f"contact-{pic}@demo.opencall.eu"
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        return None
    user = User(email=email, name=f"Contact at {organisation.short_name or organisation.name[:60]}",
                password_hash=password_hash, organisation=organisation)
    user.grant(Role.applicant)
    db.session.add(user)
    return user


def seed_directory(password: str | None = None) -> list[str]:
    """Every organisation of the CORDIS extract in the directory, with a profile; idempotent.

    Existing profiles are left as they are. Returns the e-mail addresses of the demo
    contact people created this time (they sign in with the demo password)."""
    if password is None:
        from app.demo.seed import DEMO_PASSWORD as password  # the seed imports this module
    projects, topics = _projects(), _topics()
    password_hash = hash_password(password, current_app.config["PASSWORD_HASH_PARAMS"])
    created = []
    for row in load_organisations():
        organisation = _organisation(row)
        values = profile_values(row, projects, topics)
        if db.session.scalar(select(OrganisationProfile.id).where(
                OrganisationProfile.organisation_id == organisation.id)) is None:
            db.session.add(OrganisationProfile(organisation_id=organisation.id, **values))
        if _needs_contact(organisation, values):
            user = _contact(organisation, row.pic, password_hash)
            if user is not None:
                created.append(user.email)
    db.session.flush()
    return created
