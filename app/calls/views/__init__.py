"""Pages of calls."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role

OFFICERS = (Role.programme_officer, Role.admin)

bp = Blueprint("calls", __name__, url_prefix="/calls")

MENU = (
    (_l("Calls"), "calls.index", frozenset()),
    (_l("Manage calls"), "calls.manage", frozenset(OFFICERS)),
)

# The page modules register their routes on `bp` when imported.
from app.calls.views import calls, front_door  # noqa: E402, F401
