"""Evaluation pages: experts, conflicts, assignments, reviews, consensus, ranking."""

from decimal import Decimal

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role
from app.evaluation import models  # noqa: F401  (registers the models)
from app.evaluation.rules.scoring import plain

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")

MENU = (
    (_l("My evaluations"), "evaluation.my_evaluations", frozenset({Role.evaluator})),
    (_l("Evaluation"), "evaluation.officer_calls", frozenset({Role.programme_officer})),
    (_l("My results"), "evaluation.my_results", frozenset({Role.applicant})),
)


@bp.app_template_filter("plain_score")
def plain_score(value) -> str:
    """A score or weight without trailing zeros or exponent: 4.5, 10, 1.5."""
    return "—" if value is None or value == "" else plain(Decimal(str(value)))


# The page modules register their routes on `bp` when imported.
from app.evaluation.views import experts, officers, results  # noqa: E402, F401
