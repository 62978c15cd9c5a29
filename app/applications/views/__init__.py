"""Pages of applications."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role
from app.applications.models import PARTICIPANT_ROLE_LABELS

bp = Blueprint("applications", __name__, url_prefix="/applications")

MENU = (
    (_l("My applications"), "applications.mine", frozenset({Role.applicant})),
)



@bp.app_template_filter("participant_role")
def participant_role(code: str) -> str:
    """A participant's role for people ("associated_partner" is "Associated partner (signs
    nothing, receives nothing)"), on any page or PDF."""
    return str(PARTICIPANT_ROLE_LABELS.get(code, code))


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
