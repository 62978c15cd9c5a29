"""The official JSON schemas shipped in app/opendata/schemas, and validation against them.

Nothing is fetched: the packages' references to the schemas' published URLs are resolved
to the bundled copies (the 360Giving package schema still names the 1.4.2 grant schema).
"""

import json
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
GRANT_SCHEMA_URLS = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/"
    "360-giving-schema.json",
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/"
    "360-giving-schema.json",
)
OCDS_BASE = "https://standard.open-contracting.org/schema/1__1__5/"
MAX_REPORTED = 50


def _load(*parts: str) -> dict:
    return json.loads((SCHEMAS.joinpath(*parts)).read_text(encoding="utf-8"))


@cache
def _registry() -> Registry:
    grant = Resource.from_contents(_load("360giving", "360-giving-schema.json"), DRAFT202012)
    resources = [(url, grant) for url in GRANT_SCHEMA_URLS]
    for name in ("release-schema.json", "versioned-release-validation-schema.json",
                 "release-package-schema.json", "record-package-schema.json"):
        resources.append((OCDS_BASE + name, Resource.from_contents(_load("ocds", name), DRAFT4)))
    return Registry().with_resources(resources)


@cache
def validator(name: str):
    """A validator for one bundled schema: 360giving-package, 360giving-grant,
    ocds-release-package, ocds-record-package or ocds-release."""
    if name.startswith("360giving"):
        file = "360-giving-package-schema.json" if name.endswith("package") else \
            "360-giving-schema.json"
        return Draft202012Validator(_load("360giving", file), registry=_registry(),
                                    format_checker=FormatChecker())
    file = {"ocds-release-package": "release-package-schema.json",
            "ocds-record-package": "record-package-schema.json",
            "ocds-release": "release-schema.json"}[name]
    return Draft4Validator(_load("ocds", file), registry=_registry(),
                           format_checker=FormatChecker())


def describe(error) -> str:
    where = "/".join(str(part) for part in error.absolute_path) or "(the document)"
    return f"{where}: {error.message}"


def errors_in(name: str, document: dict) -> list[str]:
    """Every schema error of `document`, in words, sorted by where it is."""
    found = sorted(validator(name).iter_errors(document), key=lambda e: list(map(str, e.path)))
    return [describe(error) for error in found]


def errors_in_items(name: str, items: Iterable[tuple[str, dict]]) -> Iterator[str]:
    """Schema errors of many items (label, item) validated one at a time, so that a package
    of any size is checked without holding it whole."""
    check = validator(name)
    for label, item in items:
        for error in check.iter_errors(item):
            yield f"{label}: {describe(error)}"
