"""Languages (Flask-Babel): which one a page is in, and the catalogues that translate it.

The language is the user's stored choice, else the visitor's choice kept in the session,
else the best match of the browser's Accept-Language, else the deployment's BABEL_DEFAULT_LOCALE.
Catalogues live in app/translations/<code>/LC_MESSAGES/messages.po and are compiled to .mo
by `make translations-compile` (a prerequisite of `make run` and `make test`); a language is
offered only when its catalogue is shipped, so a half-translated one never reaches users.
`make translations` extracts the strings and updates every catalogue (docs/translations.md).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from babel import Locale
from babel.lists import format_list
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, force_locale, get_translations, gettext
from flask_login import current_user

from app.core.money import format_money, format_percent
from app.core.request_translations import install_request_translations, locale_text
from app.core.rules.messages import Amount, Message, NameList, Percent, Plural, Series

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
    return list(_language_names(shipped_languages()))


@cache  # every page shows the switcher: babel's locale data is read once per set of languages
def _language_names(codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((code, Locale.parse(code).get_display_name(code).capitalize())
                 for code in codes)


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
        return locale_text()  # memoised per request and locale: every amount asks
    except RuntimeError:  # no app context
        return SOURCE_LANGUAGE


def N_(message: str) -> str:
    """Marks a constant's text for `make translations` (Babel extracts N_), left untranslated
    here: it is translated with gettext where it is shown or sent, in that reader's language."""
    return message


def translate(text):
    """A pure rule's sentence (app/core/rules/messages.Message) in the page's language: its
    template through the catalogue, its parameters (labels, counts, lists, percentages,
    amounts) translated first. English pages, and plain text (a report stored before its
    sentences were Messages), get the text unchanged, so the English stays byte-identical."""
    if not isinstance(text, Message):
        return text
    locale = page_locale()
    if Locale.parse(locale).language == SOURCE_LANGUAGE:
        return text
    return _said(text, locale)


def _said(text, locale: str):
    if not isinstance(text, Message):
        return text  # a name, a number, a country code: the same in every language
    if isinstance(text, NameList):
        return format_list([str(_said(item, locale)) for item in text.items],
                           style=text.style, locale=locale)
    if isinstance(text, Series):
        return text.separator.join(str(_said(item, locale)) for item in text.items)
    if isinstance(text, Percent):
        return format_percent(text.fraction, locale)
    if isinstance(text, Amount):
        return format_money(text.amount, text.currency, locale)
    translations = get_translations()
    if isinstance(text, Plural):
        template = translations.ungettext(*text.forms, text.count)
    else:
        template = translations.ugettext(text.template)
    if not text.params:
        return template
    return template % {key: _said(value, locale) for key, value in text.params.items()}


def mail_locale(recipient=None, *, requester: bool = False) -> str:
    """The language of an e-mail: the recipient's stored choice; else, when the recipient is
    only an address (None) or is who makes this request (`requester`), the request's language;
    else the deployment's default (someone else's page language says nothing about them)."""
    code = getattr(recipient, "locale", None)
    if is_shipped(code):
        return code
    if (recipient is None or requester) and has_request_context():
        return page_locale()
    return current_app.config.get("BABEL_DEFAULT_LOCALE") or SOURCE_LANGUAGE


@contextmanager
def mail_language(recipient=None, *, requester: bool = False) -> Iterator[None]:
    """Build an e-mail inside this block to write it in its recipient's language."""
    with force_locale(mail_locale(recipient, requester=requester)):
        yield


def in_every_language(message: str) -> set[str]:
    """A msgid and its translation in each shipped language: an e-mail subject is looked up in
    whichever language it was sent in (hourly limits count the mails of one kind)."""
    found = {message}
    for code in shipped_languages():
        with force_locale(code):
            found.add(gettext(message))
    return found


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale)
    install_request_translations(app)
    app.add_template_filter(translate, "translated")

    @app.context_processor
    def _languages():
        return {"languages": language_names(), "page_language": page_locale().split("_")[0]}
