"""Pages of directory."""

from flask import Blueprint

bp = Blueprint("directory", __name__, url_prefix="/organisations")

MENU = (("Partner search", "directory.index", frozenset()),)

# The page modules register their routes on `bp` when imported.
from app.directory.views import directory, partners, status  # noqa: E402, F401
