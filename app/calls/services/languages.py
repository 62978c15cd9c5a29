"""The language of a call's own texts: language codes without their country."""

from flask import current_app


def language_of(locale: str | None) -> str:
    """"en_GB" is "en": a call's texts are per language, not per country."""
    return (locale or "en").replace("-", "_").split("_")[0].lower()


def default_main_language() -> str:
    """A new call is written in the deployment's language until the officer says otherwise."""
    return language_of(current_app.config.get("BABEL_DEFAULT_LOCALE"))
