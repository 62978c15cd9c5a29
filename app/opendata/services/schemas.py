"""The official JSON schemas shipped in app/opendata/schemas, and validation against them.

Validation is jsonschema-rs (the Rust implementation: ~20 µs a grant, so 10,000 grants are
checked in well under a second). Nothing is fetched: the packages' references to the
schemas' published URLs are resolved to the bundled copies (the 360Giving package schema
still names the 1.4.2 grant schema), and the validators are built offline.
"""

import json
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import jsonschema_rs

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
GRANT_SCHEMA_URLS = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/"
    "360-giving-schema.json",
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/"
    "360-giving-schema.json",
)
OCDS_BASE = "https://standard.open-contracting.org/schema/1__1__5/"
MAX_REPORTED = 50
FILES = {
    "360giving-package": ("360giving", "360-giving-package-schema.json"),
    "360giving-grant": ("360giving", "360-giving-schema.json"),
    "ocds-release-package": ("ocds", "release-package-schema.json"),
    "ocds-record-package": ("ocds", "record-package-schema.json"),
    "ocds-release": ("ocds", "release-schema.json"),
}


def _load(*parts: str) -> dict:
    return json.loads((SCHEMAS.joinpath(*parts)).read_text(encoding="utf-8"))


@cache
def _registry() -> jsonschema_rs.Registry:
    grant = _load("360giving", "360-giving-schema.json")
    resources = [(url, grant) for url in GRANT_SCHEMA_URLS]
    resources += [(OCDS_BASE + name, _load("ocds", name))
                  for name in ("release-schema.json", "versioned-release-validation-schema.json")]
    return jsonschema_rs.Registry(resources)


@cache
def validator(name: str):
    """A validator for one bundled schema (a key of FILES), formats checked too."""
    return jsonschema_rs.validator_for(_load(*FILES[name]), validate_formats=True,
                                       registry=_registry(), offline=True)


def describe(error) -> str:
    where = "/".join(str(part) for part in error.instance_path) or "(the document)"
    return f"{where}: {error.message}"


def errors_in(name: str, document: dict) -> list[str]:
    """Every schema error of `document`, in words, sorted by where it is."""
    found = sorted(validator(name).iter_errors(document),
                   key=lambda e: [str(part) for part in e.instance_path])
    return [describe(error) for error in found]


def errors_in_items(name: str, items: Iterable[tuple[str, dict]]) -> Iterator[str]:
    """Schema errors of many items (label, item) validated one at a time, so that a package
    of any size is checked without holding it whole."""
    check = validator(name)
    for label, item in items:
        for error in check.iter_errors(item):
            yield f"{label}: {describe(error)}"
