"""Bad input gets a 400 and a message, never a 500: the guards every request passes.

- ids in URLs are bounded to PostgreSQL's `integer` (a larger one is simply not found: 404);
- NUL characters are refused in the path, the query and form fields (PostgreSQL cannot store
  them in text, and no legitimate input has them; uploaded files are not form fields);
- `page` and `per_page` are whole numbers within bounds, and an `…_id` given as digits fits
  an `integer`, on every page and form;
- form fields bound their own values (validators here: `whole_number`, `sane_date`).
The app answers 400 for values the database still refuses (core.errors), as a last line.
"""

from datetime import date, datetime

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter
from wtforms.validators import NumberRange, ValidationError

MAX_ID = 2**31 - 1  # PostgreSQL integer; every id column is one
MAX_PAGE = 10_000
MAX_PER_PAGE = 500
MIN_YEAR, MAX_YEAR = 1900, 2199


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that matches only ids an integer column can hold (others are a 404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def install_input_guards(app: Flask) -> None:
    """Before any blueprint is registered: routes take their converters when added."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_bad_parameters)


def refuse_bad_parameters() -> None:
    if "\x00" in request.path:
        abort(400, _("The address contains a NUL character."))
    for source, values in (("address", request.args), ("form", request.form)):
        for name, value in values.items(multi=True):
            if "\x00" in name or "\x00" in value:
                abort(400, _("The address contains a NUL character, which is not allowed.")
                      if source == "address" else
                      _("The form contains a NUL character, which is not allowed."))
            _check_number(name, value)


def _check_number(name: str, value: str) -> None:
    if name in ("page", "per_page") or name.endswith("_page"):  # "awaiting_page": a 2nd list
        highest = MAX_PER_PAGE if name == "per_page" else MAX_PAGE
        if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= highest:
            abort(400, _("The %(name)s must be a whole number from 1 to %(highest)s.",
                         name=name.replace("_", " "), highest=format(highest, ",")))
    elif (name == "id" or name.endswith("_id")) and value.isascii() and value.isdigit() and (
            len(value) > 10 or int(value) > MAX_ID):
        abort(400, _("%(name)s is not a valid identifier.", name=name))


def whole_number(minimum: int = 0, maximum: int = MAX_ID, message: str | None = None):
    """A NumberRange for IntegerFields whose values land in an `integer` column."""
    return NumberRange(minimum, maximum, message=message)


def sane_date(message: str | None = None):
    """Dates and date-times between MIN_YEAR and MAX_YEAR: year 1 cannot be converted between
    time zones, and nothing OpenCall records happens outside these years."""

    def check(form, field) -> None:
        value = field.data
        if isinstance(value, date | datetime) and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValidationError(message or _("Give a date between %(first)d and %(last)d.",
                                               first=MIN_YEAR, last=MAX_YEAR))

    return check
