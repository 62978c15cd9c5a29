"""Pages of open data: the public datasets and the administrator's publication screen."""

from flask import Blueprint

from app.accounts.models import Role

bp = Blueprint("opendata", __name__, url_prefix="/open-data")

MENU = (("Open data", "opendata.admin", frozenset({Role.admin})),)

# The page modules register their routes on `bp` when imported.
from app.opendata.views import admin, datasets  # noqa: E402, F401
