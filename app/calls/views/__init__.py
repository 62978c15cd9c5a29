"""Pages of calls."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role
from app.calls.rules.finance import ICT_CATEGORY_LABELS

OFFICERS = (Role.programme_officer, Role.admin)

bp = Blueprint("calls", __name__, url_prefix="/calls")

MENU = (
    (_l("Calls"), "calls.index", frozenset()),
    (_l("Manage calls"), "calls.manage", frozenset(OFFICERS)),
)



@bp.app_template_filter("ict_label")
def ict_label(code: str) -> str:
    """An ICT category's name for people ("web_content_management" is "Web content
    management"), on any page."""
    return str(ICT_CATEGORY_LABELS.get(code, code))


# The page modules register their routes on `bp` when imported.
from app.calls.views import calls, front_door, translations  # noqa: E402, F401
