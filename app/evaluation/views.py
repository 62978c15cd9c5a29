"""Evaluation pages: experts, conflicts, assignments, reviews, consensus, ranking."""

from flask import Blueprint

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")
