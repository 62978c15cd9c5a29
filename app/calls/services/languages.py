"""The language of a call's own texts: language codes without their country."""

from flask import current_app
from sqlalchemy import select

from app.calls.models import Call, CallTranslation
from app.core.extensions import db


def language_of(locale: str | None) -> str:
    """"en_GB" is "en": a call's texts are per language, not per country."""
    return (locale or "en").replace("-", "_").split("_")[0].lower()


def default_main_language() -> str:
    """A new call is written in the deployment's language until the officer says otherwise."""
    return language_of(current_app.config.get("BABEL_DEFAULT_LOCALE"))


def copy_translations(source: Call, copy: Call) -> None:
    """A duplicated call is written in the same languages as its source."""
    copy.main_language = source.main_language
    for translation in db.session.scalars(
            select(CallTranslation).where(CallTranslation.call_id == source.id)):
        db.session.add(CallTranslation(call_id=copy.id, language=translation.language,
                                       title=translation.title, summary=translation.summary,
                                       body=translation.body))
