"""Call pages: the public list and detail, and the officers' editor."""

from flask import Blueprint

from app.calls.models import Call  # noqa: F401  (registers the model)

bp = Blueprint("calls", __name__, url_prefix="/calls")
