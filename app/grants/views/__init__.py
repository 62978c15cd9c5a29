"""Pages of grants."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role

bp = Blueprint("grants", __name__, url_prefix="/grants")

MENU = (
    (_l("Grants"), "grants.index", frozenset({Role.programme_officer, Role.finance_officer})),
    (_l("Payment batches"), "grants.batches_page", frozenset({Role.finance_officer})),
    (_l("My grants"), "grants.mine", frozenset({Role.applicant})),
)

# The page modules register their routes on `bp` when imported.
from app.grants.views import (  # noqa: E402, F401
    amendments,
    bank_accounts,
    batches,
    claims,
    grants,
    overview,
    payments,
    state_aid,
)
