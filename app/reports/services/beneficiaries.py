"""The report form's beneficiary: a search over the organisations the user may report on
(a funder has thousands: an autocomplete, not a select) and the typed label resolved to one."""

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import Organisation, User
from app.calls.models import Call
from app.core.errors import DomainError
from app.core.extensions import db
from app.grants.models import Grant, GrantBeneficiary
from app.reports.services.rows import scope_for

SUGGESTIONS = 20
MIN_SEARCH = 2
# "Name (CC)" as the suggestions show it: the country tells apart namesakes.
LABEL = re.compile(r"^(?P<name>.*\S)\s+\((?P<country>[A-Z]{2})\)$")


def label(name: str, country: str) -> str:
    return f"{name} ({country})"


def _beneficiaries(by: User):
    """Organisations that are beneficiaries of a grant in the user's scope."""
    return (select(Organisation.id, Organisation.name, Organisation.country)
            .where(Organisation.id.in_(
                select(GrantBeneficiary.organisation_id)
                .join(Grant, GrantBeneficiary.grant_id == Grant.id)
                .join(Call, Grant.call_id == Call.id).where(scope_for(by)))))


def search_beneficiaries(text: str, *, by: User) -> list[dict]:
    """Up to SUGGESTIONS beneficiaries whose name contains `text`, names starting with it
    first; nothing for fewer than MIN_SEARCH characters."""
    text = (text or "").strip()[:200]
    if len(text) < MIN_SEARCH:
        return []
    name = func.lower(Organisation.name)
    rows = db.session.execute(
        _beneficiaries(by).where(name.contains(text.lower(), autoescape=True))
        .order_by(name.startswith(text.lower(), autoescape=True).desc(), name, Organisation.id)
        .limit(SUGGESTIONS)).all()
    return [{"id": row.id, "label": label(row.name, row.country)} for row in rows]


def resolve_beneficiary(organisation_id: int | None, text: str, *, by: User) -> int | None:
    """The beneficiary chosen on the form: the id the suggestions filled in, else the typed
    "Name (CC)" or name; None for all beneficiaries. DomainError on the field otherwise."""
    text = (text or "").strip()
    if organisation_id is not None:
        if db.session.execute(_beneficiaries(by).where(Organisation.id == organisation_id)
                              .limit(1)).first() is None:
            raise DomainError(_("Choose a beneficiary of your funder's grants."),
                              field="beneficiary")
        return organisation_id
    if not text:
        return None
    match = LABEL.match(text)
    query = _beneficiaries(by)
    if match:
        query = query.where(Organisation.name == match["name"],
                            Organisation.country == match["country"])
    else:
        query = query.where(func.lower(Organisation.name) == text.lower())
    found = db.session.execute(query.limit(2)).all()
    if not found:
        raise DomainError(_("No beneficiary of your funder's grants is called “%(name)s”: "
                            "type part of the name and pick a suggestion.", name=text),
                          field="beneficiary")
    if len(found) > 1:
        raise DomainError(_("Several beneficiaries are called “%(name)s”: pick the one with "
                            "its country from the suggestions.", name=text), field="beneficiary")
    return found[0].id
