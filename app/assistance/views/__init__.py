"""Pages of assistance centres, advisers, and the access firms give them."""

from flask import Blueprint

from app.accounts.models import Role

bp = Blueprint("assistance", __name__, url_prefix="/assistance")

MENU = (
    ("My firms", "assistance.dashboard", frozenset({Role.adviser})),
    ("Advisers", "assistance.access", frozenset({Role.applicant})),
    ("Assistance centres", "assistance.centres", frozenset({Role.admin})),
)

# The page modules register their routes on `bp` when imported.
from app.assistance.views import advisers, centres, firms  # noqa: E402, F401
