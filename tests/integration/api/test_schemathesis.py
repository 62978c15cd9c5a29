"""The API against its own OpenAPI document: generated requests (a bounded number per
operation) never get a server error nor an answer that breaks the documented schema.

The operations are walked here with Hypothesis directly: schemathesis' pytest plugin cannot
yet load a schema from a fixture under pytest 9, and the app is a fixture (one per backend).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.accounts.models import Role
from app.core.extensions import db
from app.opendata.services.publication import publish_all
from tests.integration.api.conftest import bearer

EXAMPLES = 25


@pytest.fixture
def token(app, make_user, make_grant, make_consortium, make_token):
    """Data for every endpoint to find, and a read-write token of one user who holds every
    role the API knows (so that generated requests reach the endpoints' code)."""
    case = make_grant()
    consortium = make_consortium(call=case.grant.call)
    everyone = make_user(Role.applicant, Role.programme_officer, Role.finance_officer,
                         Role.admin, funder=case.grant.call.funder)
    consortium.application.participants[0].contact_user_id = everyone.id
    db.session.commit()
    publish_all(by=None)
    db.session.commit()
    return make_token(everyone, scope="read_write")


def test_the_api_keeps_its_documented_promises(app, token):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 13  # every endpoint of the API is in the document

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def keeps_promises(case):
            # Every default check but one: a cursor is opaque, so a string the schema allows
            # may still not be a cursor this API gave out, and 400 is then the right answer.
            case.call_and_validate(headers=bearer(token),
                                   excluded_checks=[positive_data_acceptance])

        keeps_promises()
