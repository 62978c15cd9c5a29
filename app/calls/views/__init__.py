"""Pages of calls."""

from flask import Blueprint

from app.accounts.models import Role

OFFICERS = (Role.programme_officer, Role.admin)

bp = Blueprint("calls", __name__, url_prefix="/calls")

MENU = (
    ("Calls", "calls.index", frozenset()),
    ("Manage calls", "calls.manage", frozenset(OFFICERS)),
)

# The page modules register their routes on `bp` when imported.
from app.calls.views import calls  # noqa: E402, F401
