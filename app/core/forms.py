"""Glue between services' DomainErrors and WTForms fields."""

from flask import flash
from flask_wtf import FlaskForm

from app.core.errors import DomainError


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show the error next to its field, or as a message when it concerns the whole form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "danger")
