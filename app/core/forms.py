"""Glue between services' DomainErrors and WTForms fields."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import wtforms
from flask import current_app, flash
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import DecimalField, Field
from wtforms.validators import StopValidation
from wtforms.widgets import Select, TextInput

from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.core.money import (
    MAX_INPUT_LENGTH,
    amount_example,
    current_locale,
    format_amount,
    parse_amount,
)


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show the error next to its field, or as a message when it concerns the whole form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "danger")


@dataclass
class Refusal:
    """What `errors_shown_on` caught: None while the service has not refused."""

    error: DomainError | None = None


@contextmanager
def errors_shown_on(form: FlaskForm, *, refresh_version_from=None) -> Iterator[Refusal]:
    """Around a form's service call and commit: a refusal is shown on the form, not raised.

    The request's changes are rolled back and each message goes next to its field (an
    error with an `errors` mapping names several), or is flashed when it names none. The
    `with` block ends at the refusal, so the view goes on to show the form again.
    NotFound and Forbidden pass through to the app's 404 and 403 pages. After a Conflict
    the form's `version` takes the record's current one, so that saving again is a choice
    made after seeing the message.
    """
    refusal = Refusal()
    try:
        yield refusal
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        db.session.rollback()
        refusal.error = error
        by_field = getattr(error, "errors", None)
        if by_field:
            # Nested keys ("criteria.0.step") have no field: templates read them from here.
            form.document_errors = dict(by_field)
            for key, message in by_field.items():
                if "." not in key:
                    attach_error(form, DomainError(message, field=key))
        else:
            attach_error(form, error)
        if isinstance(error, Conflict) and refresh_version_from is not None:
            form.version.data = refresh_version_from.version


# Beside each amount box, the locale the form was shown in (see AmountInput).
SHOWN_IN_SUFFIX = "-shown-in"


class AmountInput(TextInput):
    """The amount's box and, hidden beside it, the locale it was written for: a form shown in
    German and sent after the user switched to English in another tab is still read as
    German ("150.000" is 150000.00 there, 150.00 in English)."""

    def __call__(self, field, **kwargs):
        box = super().__call__(field, **kwargs)
        return box + Markup('<input type="hidden" name="{}" value="{}">').format(
            field.name + SHOWN_IN_SUFFIX, field.locale)


def _readable_locale(code: str | None) -> bool:
    from app.core.i18n import shipped_languages

    default = current_app.config.get("BABEL_DEFAULT_LOCALE")
    return bool(code) and (code == default or code in shipped_languages())


class AmountField(Field):
    """A money amount typed as the user's locale writes it ("1.234,50" in de, "1,234.50" in
    en), read by `parse_amount`: `data` is a Decimal in cents, or None when left empty.

    Unreadable input becomes an error on the field and stops its other validators. With
    InputRequired, an empty field says "Enter an amount." (a typed 0 gets through, to meet
    the validators' own message). The upper bound is a validator of the form that uses it.
    """

    widget = AmountInput()

    def __init__(self, label=None, validators=None, description: str = "", **kwargs):
        self.locale = current_locale()  # fields are bound per request, so per user
        hint = _("For example %(amount)s.", amount=amount_example(self.locale))
        render_kw = {"inputmode": "decimal", "maxlength": MAX_INPUT_LENGTH,
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, description=f"{description} {hint}".strip(),
                         render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None or self.data == "":
            return ""
        try:  # a Decimal, or canonical text such as "125000.00" set by a view
            return format_amount(self.data, self.locale)
        except (TypeError, ValueError):
            return str(self.data)

    def process(self, formdata, *args, **kwargs) -> None:
        shown_in = formdata.get(self.name + SHOWN_IN_SUFFIX) if formdata is not None else None
        if _readable_locale(shown_in):
            self.locale = shown_in  # read it the way it was asked for
        super().process(formdata, *args, **kwargs)

    def process_formdata(self, valuelist) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_amount(valuelist[0], self.locale)
        except ValueError:
            self.data = None
            raise

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()  # the reading error is shown; nothing to bound
        if self.data is None and self.flags.required:
            raise StopValidation(_("Enter an amount."))


class FiniteDecimalField(DecimalField):
    """A DecimalField (rates, percentages) that refuses NaN, sNaN and Infinity, all of
    which Decimal() reads."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError(self.invalid_value_message or _("Enter a number."))


# --- the summary at the top of a refused form ---------------------------------------------


@dataclass(frozen=True)
class FieldError:
    """One line of a form's error summary: a link to the field, its label and the message."""

    anchor: str
    label: str
    message: str


def _errors_of(field, label: str) -> Iterator[FieldError]:
    if field.type == "CSRFTokenField":
        return
    if field.type == "FieldList":
        for index, entry in enumerate(field.entries, start=1):
            yield from _errors_of(entry, f"{label} {index}")
    elif field.type == "FormField":
        for sub in field:
            if sub.errors:
                yield from _errors_of(sub, f"{label}, {sub.label.text}")
    elif field.errors:
        yield FieldError(field.id, label, " ".join(str(e) for e in field.errors))


def _nested_label(form: FlaskForm, key: str) -> tuple[str, str]:
    """The field id and a human label of a service's nested key such as "criteria.0.step"."""
    parts = key.split(".")
    field, label = form, []
    try:
        for part in parts:
            if part.isdigit():
                field = field.entries[int(part)]
                label.append(str(int(part) + 1))
            else:
                field = field[part]
                label.append(str(field.label.text))  # a lazily translated label
    except (KeyError, IndexError, AttributeError, TypeError):
        return key.replace(".", "-"), key
    return field.id, ", ".join(text for text in label if text).replace(", ", " ", 1)


def form_errors(form: FlaskForm) -> list[FieldError]:
    """Every refused field of a form, in the page's order, for the summary above it.

    The CSRF token is left out (token_refused says it in plain words); a service's nested
    keys (form.document_errors, e.g. a criterion's row) are named after their row and column.
    """
    found = [error for field in form for error in _errors_of(field, str(field.label.text))]
    for key, message in (getattr(form, "document_errors", None) or {}).items():
        if "." in key:
            anchor, label = _nested_label(form, key)
            found.append(FieldError(anchor, label, message))
    return found


def token_refused(form: FlaskForm) -> bool:
    """The form came back because its CSRF token was no longer valid (see core/refused_token)."""
    token = getattr(form, "csrf_token", None)
    return bool(token is not None and token.errors)


def required_note(form: FlaskForm) -> bool:
    """Whether a form has a required field, so that the page explains its asterisk."""
    return any(field.flags.required for field in form
               if field.type not in ("CSRFTokenField", "HiddenField", "SubmitField"))


class _Select(Select):
    """WTForms' select, its options written directly: a country list is a hundred options, and
    WTForms formats each one's attributes through several generic calls (most of a report
    form's rendering). The same HTML; options with extra attributes go the generic way."""

    @classmethod
    def render_option(cls, choice, **kwargs) -> Markup:
        value = choice.value
        if kwargs or choice.render_kw or value is None or isinstance(value, bool):
            return super().render_option(choice, **kwargs)
        selected = " selected" if choice.selected else ""
        label = escape(choice.label or value)
        return Markup(f'<option{selected} value="{escape(value)}">{label}</option>')


class SelectField(wtforms.SelectField):
    """WTForms' SelectField, drawn by the select above: for long lists of choices."""

    widget = _Select()
