"""Open-data fixtures: an independent check against the official schemas, and a whole tender."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from app.applications.models import ApplicationStatus
from app.calls.rules.lifecycle import CallKind, CallStatus
from app.core.database import utcnow
from app.core.extensions import db
from app.evaluation.models import Ranking

# The schemas shipped in the project: the official files, byte for byte (SOURCES.md there).
SCHEMAS = Path(__file__).resolve().parents[3] / "app" / "opendata" / "schemas"
OCDS = "https://standard.open-contracting.org/schema/1__1__5/"
G360 = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/{}/schema/360-giving-schema.json"


def _schema(*parts) -> dict:
    return json.loads(SCHEMAS.joinpath(*parts).read_text())


def official_errors(kind: str, document: dict) -> list[str]:
    """Every error of the whole document against the standard's own package schema, checked
    here without the product's validation code (it streams; this does not)."""
    grant = Resource.from_contents(_schema("360giving", "360-giving-schema.json"), DRAFT202012)
    resources = [(G360.format(v), grant) for v in ("1.4.2", "1.4.3")]
    resources += [(OCDS + name, Resource.from_contents(_schema("ocds", name), DRAFT4))
                  for name in ("release-schema.json", "versioned-release-validation-schema.json")]
    registry = Registry().with_resources(resources)
    if kind == "360giving":
        validator = Draft202012Validator(_schema("360giving", "360-giving-package-schema.json"),
                                         registry=registry, format_checker=FormatChecker())
    else:
        validator = Draft4Validator(_schema("ocds", f"{kind}-schema.json"), registry=registry,
                                    format_checker=FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


@pytest.fixture
def tender_case(app, make_call, make_grant, pay_installment):
    """A tender through its whole life: published, bid for, awarded, signed and paid."""
    call = make_call(kind=CallKind.TENDER, status=CallStatus.RESULTS_PUBLISHED,
                     opens_in=timedelta(days=-60), closes_in=timedelta(days=-30),
                     payment_model={"prefinancing_rate": "0.40", "retention_rate": "0.05",
                                    "interim_count": 1, "ceiling_rate": "0.90"},
                     published_at=utcnow() - timedelta(days=60))
    case = make_grant(call=call, start=date(2026, 1, 1))
    application = case.grant.application
    application.submitted_at = utcnow() - timedelta(days=31)
    db.session.add(Ranking(call_id=call.id, published_by_id=case.officer.id,
                           published_at=utcnow() - timedelta(days=20), entries=[{
        "application_id": application.id, "acronym": application.acronym,
        "title": application.title, "position": 1, "outcome": "funded",
        "requested": "125000.00", "awarded": str(case.grant.awarded_amount)}]))
    application.status = ApplicationStatus.GRANT
    call.updated_at = call.published_at  # made just now, as if edited last when published
    db.session.commit()
    case.payment = pay_installment(case, 1, value_date=date(2026, 1, 15)).disbursement
    return case
