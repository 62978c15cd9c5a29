"""Evaluation pages: experts, conflicts, assignments, reviews, consensus, ranking."""

from decimal import Decimal

from flask import Blueprint, flash

from app.accounts.models import Role
from app.core.errors import DomainError, Forbidden, NotFound
from app.core.forms import attach_error
from app.evaluation import models  # noqa: F401  (registers the models)
from app.evaluation.rules.scoring import plain
from app.evaluation.services.calls import FieldErrors

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")

MENU = (
    ("My evaluations", "evaluation.my_evaluations", frozenset({Role.evaluator})),
    ("Evaluation", "evaluation.officer_calls", frozenset({Role.programme_officer})),
    ("My results", "evaluation.my_results", frozenset({Role.applicant})),
)


@bp.app_template_filter("plain_score")
def plain_score(value) -> str:
    """A score or weight without trailing zeros or exponent: 4.5, 10, 1.5."""
    return "—" if value is None or value == "" else plain(Decimal(str(value)))


def show_error(form, error: DomainError) -> None:
    """Put each message next to its field (several at once for score forms); a record the
    user may not see or touch still ends in the 404 or 403 page."""
    if isinstance(error, NotFound | Forbidden):
        raise error
    if isinstance(error, FieldErrors):
        for field, message in error.errors.items():
            attach_error(form, DomainError(message, field=field))
        flash(error.message, "danger")
    else:
        attach_error(form, error)


def flash_error(error: DomainError) -> None:
    """For buttons without fields: the message goes to the next page (404/403 still raise)."""
    if isinstance(error, NotFound | Forbidden):
        raise error
    flash(error.message, "danger")


# The page modules register their routes on `bp` when imported.
from app.evaluation.views import experts, officers, results  # noqa: E402, F401
