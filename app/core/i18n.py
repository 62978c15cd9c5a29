"""Languages (Flask-Babel): which one a page is in, and the catalogues that translate it.

The language is the user's stored choice, else the visitor's choice kept in the session,
else the best match of the browser's Accept-Language, else the deployment's BABEL_DEFAULT_LOCALE.
Catalogues live in app/translations/<code>/LC_MESSAGES/messages.po and are compiled to .mo
by `make translations-compile` (a prerequisite of `make run` and `make test`); a language is
offered only when its catalogue is shipped, so a half-translated one never reaches users.
`make translations` extracts the strings and updates every catalogue (docs/translations.md).
"""

from functools import cache
from pathlib import Path

from babel import Locale
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
SOURCE_LANGUAGE = "en"
SESSION_KEY = "language"

babel = Babel()


@cache
def shipped_languages() -> tuple[str, ...]:
    """English (the source) and every language with a catalogue in the project."""
    found = sorted(po.parents[1].name for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
    return (SOURCE_LANGUAGE, *(code for code in found if code != SOURCE_LANGUAGE))


def language_names() -> list[tuple[str, str]]:
    """(code, the language's name in itself): "Italiano", "Slovenščina"; a switcher shows these."""
    return [(code, Locale.parse(code).get_display_name(code).capitalize())
            for code in shipped_languages()]


def is_shipped(code: str | None) -> bool:
    return bool(code) and code in shipped_languages()


def chosen_language() -> str | None:
    """The shipped language the user or visitor asked for, if any (None: the default)."""
    if not has_request_context():
        return None
    for code in (getattr(current_user, "locale", None), session.get(SESSION_KEY)):
        if is_shipped(code):
            return code
    return request.accept_languages.best_match(shipped_languages())


def select_locale() -> str:
    default = current_app.config.get("BABEL_DEFAULT_LOCALE") or SOURCE_LANGUAGE
    code = chosen_language()
    if code is None or Locale.parse(default).language == code:
        return default  # "en" chosen on an en_GB deployment keeps British dates
    return code


def page_locale() -> str:
    """The locale this request is in ("en_GB", "it"; the source language outside a request)."""
    try:
        return str(get_locale() or SOURCE_LANGUAGE)
    except RuntimeError:  # no app context
        return SOURCE_LANGUAGE


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _languages():
        return {"languages": language_names(), "page_language": page_locale().split("_")[0]}
