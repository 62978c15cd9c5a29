"""The organisation directory, partner suggestions and contact requests."""

from flask import Blueprint

bp = Blueprint("directory", __name__, url_prefix="/organisations")
