"""Read the copied CORDIS extracts into organisation records for the demo."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from app.calls.rules.countries import normalise_country
from app.core.classifications import FORD_SUBFIELDS

DATA = Path(__file__).parent / "data"

# euroSciVoc's top-level path segment -> OECD FORD field.
EUROSCIVOC_TO_FORD = {
    "natural sciences": "1",
    "engineering and technology": "2",
    "medical and health sciences": "3",
    "agricultural sciences": "4",
    "social sciences": "5",
    "humanities": "6",
}


@dataclass
class CordisOrganisation:
    pic: str
    name: str
    short_name: str | None
    country: str
    org_type: str
    is_sme: bool
    website: str | None
    vat: str | None
    projects: list[str] = field(default_factory=list)
    fields_of_science: set[str] = field(default_factory=set)

    @property
    def description(self) -> str:
        """"Participant in the Horizon Europe project X", or "projects X, Y" for several."""
        projects = sorted(set(self.projects))
        noun = "the Horizon Europe project" if len(projects) == 1 else "Horizon Europe projects"
        return f"Participant in {noun} {', '.join(projects)} (© European Union, CORDIS)."


# euroSciVoc's second segment names a FORD subfield, mostly in FORD's own words.
_SUBFIELD_BY_LABEL = {label.lower(): code for code, label in FORD_SUBFIELDS.items()} | {
    "electrical engineering, electronic engineering, information engineering": "2.2",
    "political sciences": "5.6",
    "nanotechnology": "2.10",
}


def _ford_code(path: str) -> str | None:
    """The FORD subfield of a euroSciVoc path ("/natural sciences/computer and information
    sciences/…" is 1.2), or its field when the subfield has no FORD name."""
    segments = path.strip("/").split("/")
    field = EUROSCIVOC_TO_FORD.get(segments[0])
    if field is None:
        return None
    subfield = _SUBFIELD_BY_LABEL.get(segments[1]) if len(segments) > 1 else None
    return subfield if subfield and subfield.startswith(f"{field}.") else field


def _project_fields() -> dict[str, set[str]]:
    """FORD subfields of each project (from its euroSciVoc topics), so that an astronomy
    project is not taken for one in computer science because both are natural sciences."""
    fields: dict[str, set[str]] = {}
    with open(DATA / "he_euroSciVoc_head100.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = _ford_code(row["euroSciVocPath"])
            if code is not None:
                fields.setdefault(row["projectID"], set()).add(code)
    return fields


def load_organisations() -> list[CordisOrganisation]:
    """Distinct organisations of the extract, in file order, with their projects' fields."""
    project_fields = _project_fields()
    by_pic: dict[str, CordisOrganisation] = {}
    with open(DATA / "he_organization_head100.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            org = by_pic.get(row["organisationID"])
            if org is None:
                org = by_pic[row["organisationID"]] = CordisOrganisation(
                    pic=row["organisationID"], name=row["name"].strip(),
                    short_name=row["shortName"].strip() or None,
                    country=normalise_country(row["country"]), org_type=row["activityType"],
                    is_sme=row["SME"] == "True", website=row["organizationURL"].strip() or None,
                    vat=row["vatNumber"].strip() or None)
            org.projects.append(row["projectID"])
            org.fields_of_science |= project_fields.get(row["projectID"], set())
    return list(by_pic.values())
