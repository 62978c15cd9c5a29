"""Pages of reports."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role

bp = Blueprint("reports", __name__, url_prefix="/reports")

MENU = ((_l("Reports"), "reports.index", frozenset({Role.finance_officer})),)

# The page modules register their routes on `bp` when imported.
from app.reports.views import reports  # noqa: E402, F401
