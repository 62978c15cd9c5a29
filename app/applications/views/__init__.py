"""Pages of applications."""

from flask import Blueprint

from app.accounts.models import Role

bp = Blueprint("applications", __name__, url_prefix="/applications")

MENU = (
    ("My applications", "applications.mine", frozenset({Role.applicant})),
)

# The page modules register their routes on `bp` when imported.
from app.applications.views import (  # noqa: E402, F401
    applications,
    consortium,
    review,
    roles,
    submission,
)
