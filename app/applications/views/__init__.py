"""Pages of applications."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role

bp = Blueprint("applications", __name__, url_prefix="/applications")

MENU = (
    (_l("My applications"), "applications.mine", frozenset({Role.applicant})),
)

# The page modules register their routes on `bp` when imported; deadline_notices connects the
# e-mail to coordinators when a call's deadline moves (calls cannot see applications).
from app.applications.services import deadline_notices  # noqa: E402, F401
from app.applications.views import (  # noqa: E402, F401
    applications,
    consortium,
    review,
    roles,
    submission,
)
