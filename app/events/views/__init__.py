"""Pages of events: organisers run them, organisations register and meet."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role

bp = Blueprint("events", __name__, url_prefix="/events")

MENU = (
    # Everyone may open the list; firms and their advisers are who look for events.
    (_l("Events"), "events.index", frozenset({Role.applicant, Role.adviser})),
    (_l("Organise events"), "events.manage", frozenset({Role.organiser})),
)

# The page modules register their routes on `bp` when imported.
from app.events.views import organiser, participant, schedule  # noqa: E402, F401
