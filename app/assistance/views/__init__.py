"""Pages of assistance centres, advisers, and the access firms give them."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role

bp = Blueprint("assistance", __name__, url_prefix="/assistance")

MENU = (
    (_l("My firms"), "assistance.dashboard", frozenset({Role.adviser})),
    (_l("Advisers"), "assistance.access", frozenset({Role.applicant})),
    (_l("Assistance centres"), "assistance.centres", frozenset({Role.admin})),
)

# The page modules register their routes on `bp` when imported.
from app.assistance.views import advisers, centres, firms  # noqa: E402, F401
