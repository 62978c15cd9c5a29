"""E-mails in their recipient's language (issue 14), whoever's action sends them."""

from flask import current_app
from flask_babel import force_locale


def language_of(user):
    """A `with` block in which gettext speaks the user's chosen language, else the
    deployment's default (BABEL_DEFAULT_LOCALE)."""
    return force_locale(getattr(user, "locale", None)
                        or current_app.config["BABEL_DEFAULT_LOCALE"])
