"""Pages of grants."""

from flask import Blueprint

from app.accounts.models import Role

bp = Blueprint("grants", __name__, url_prefix="/grants")

MENU = (
    ("Grants", "grants.index", frozenset({Role.programme_officer, Role.finance_officer})),
    ("My grants", "grants.mine", frozenset({Role.applicant})),
)

# The page modules register their routes on `bp` when imported.
from app.grants.views import claims, grants, overview, payments  # noqa: E402, F401
