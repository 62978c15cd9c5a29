"""Read the copied CORDIS extracts into organisation records for the demo."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from app.calls.rules.countries import normalise_country

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


def _project_fields() -> dict[str, set[str]]:
    fields: dict[str, set[str]] = {}
    with open(DATA / "he_euroSciVoc_head100.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            top = row["euroSciVocPath"].strip("/").split("/")[0]
            if top in EUROSCIVOC_TO_FORD:
                fields.setdefault(row["projectID"], set()).add(EUROSCIVOC_TO_FORD[top])
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
