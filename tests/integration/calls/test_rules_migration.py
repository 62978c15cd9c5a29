"""Migration 0010: every existing call's rules keep meaning what they meant (reference.md §1).

Before it, a member outside a call's eligible countries failed the call; the engine now reads
`outside_members`, so the migration writes "not_allowed" into each existing call's rules."""

import json
from datetime import datetime

from alembic import command
from sqlalchemy import text

from tests.integration.test_migrations import _config, scratch_app, scratch_url  # noqa: F401

BEFORE = "0009_open_data_api_tokens"
OPENS, CLOSES = datetime(2025, 1, 1), datetime(2025, 3, 1)


def _rules(app) -> dict[str, dict]:
    from app.core.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        rows = connection.execute(text("SELECT reference, eligibility_rules FROM calls"))
        return {reference: rules if isinstance(rules, dict) else json.loads(rules)
                for reference, rules in rows}


def _insert_calls(app) -> None:
    """Two calls as revision 0009 stored them: one with eligible countries, one without."""
    from app.core.extensions import db

    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO funders (id, name, short_name, country) VALUES (1, 'Agency', 'AG', 'AT')"))
        for reference, rules in (("OLD-HE", {"min_partners": 3, "eligible_countries":
                                             "EU_MS+HE_ASSOCIATED"}),
                                 ("OLD-ANY", {"min_partners": 2})):
            connection.execute(text(
                "INSERT INTO calls (funder_id, reference, kind, title, summary, body, currency, "
                "budget_amount, max_per_proposal_amount, opens_at, closes_at, timezone, status, "
                "eligibility_rules, award_criteria, strategic_areas, ict_categories, "
                "open_source_preference, funding_rates, indirect_rate, payment_model, "
                "required_attachments, created_at, updated_at, version) "
                "VALUES (1, :reference, 'grant', 'Old call', 'Summary', '', 'EUR', 100000000, "
                "50000000, :opens, :closes, 'Europe/Brussels', 'published', :rules, '{}', '[]', "
                "'[]', false, '{}', '0.25', '{}', '[]', :opens, :opens, 1)"),
                {"reference": reference, "rules": json.dumps(rules), "opens": OPENS,
                 "closes": CLOSES})


def test_existing_calls_keep_refusing_members_outside_their_countries(scratch_app):  # noqa: F811
    config = _config(scratch_app)
    with scratch_app.app_context():
        command.upgrade(config, BEFORE)
        _insert_calls(scratch_app)
        command.upgrade(config, "0010_rules_as_published")
    rules = _rules(scratch_app)
    assert rules["OLD-HE"] == {"min_partners": 3, "eligible_countries": "EU_MS+HE_ASSOCIATED",
                               "outside_members": "not_allowed"}
    assert rules["OLD-ANY"] == {"min_partners": 2}  # no country rule: nothing is outside
    with scratch_app.app_context():
        command.downgrade(config, BEFORE)
    assert _rules(scratch_app)["OLD-HE"] == {"min_partners": 3,
                                             "eligible_countries": "EU_MS+HE_ASSOCIATED"}
