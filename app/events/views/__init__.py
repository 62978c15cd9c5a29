"""Pages of events: organisers run them, organisations register and meet."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role
from app.events.models import WORDS

bp = Blueprint("events", __name__, url_prefix="/events")

MENU = (
    # Everyone may open the list; firms and their advisers are who look for events.
    (_l("Events"), "events.index", frozenset({Role.applicant, Role.adviser})),
    (_l("Organise events"), "events.manage", frozenset({Role.organiser})),
)



@bp.app_template_filter("event_word")
def event_word(value) -> str:
    """An event's kind or status, an entry's kind or a meeting's status in one capitalised
    word of the page's language ("Brokerage", "Accepted")."""
    return WORDS.get(str(value), str(value).capitalize())


# The page modules register their routes on `bp` when imported.
from app.events.views import organiser, participant, schedule  # noqa: E402, F401
