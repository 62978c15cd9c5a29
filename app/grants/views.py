"""Grant pages: agreements, schedules, claims, disbursements, tracking."""

from flask import Blueprint

bp = Blueprint("grants", __name__, url_prefix="/grants")
