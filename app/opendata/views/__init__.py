"""Pages of open data: the public datasets and the administrator's publication screen."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role

bp = Blueprint("opendata", __name__, url_prefix="/open-data")

MENU = ((_l("Open data"), "opendata.admin", frozenset({Role.admin})),)

# The page modules register their routes on `bp` when imported.
from app.opendata.views import admin, datasets, funded  # noqa: E402, F401
