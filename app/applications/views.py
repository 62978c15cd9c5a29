"""Application pages: consortium, budgets, attachments, submission, officer screens."""

from flask import Blueprint

from app.applications import models  # noqa: F401  (registers the models)

bp = Blueprint("applications", __name__, url_prefix="/applications")
