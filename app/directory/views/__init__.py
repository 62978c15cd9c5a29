"""Pages of directory."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("directory", __name__, url_prefix="/organisations")

MENU = ((_l("Partner search"), "directory.index", frozenset()),)

# The page modules register their routes on `bp` when imported.
from app.directory.views import directory, partners, status  # noqa: E402, F401
