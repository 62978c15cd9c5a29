"""A pseudo-language for proving that pages are marked for translation (issue 14).

`pseudo_german(app, monkeypatch, sources)` builds, from the strings marked in `sources` (as
`make translations` extracts them), a German catalogue whose every translation is the English
wrapped in ⟪ ⟫, and makes it the only catalogue the app reads. A page asked for in German then
shows ⟪Text⟫ for every marked string and plain Text for any it forgot.
"""

from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import write_mo

from app.core import i18n

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "Nn_": (1, 2)}  # Nn_: plural templates of pure rules (app/core/rules/messages.py)
LANGUAGE = "de"


def pseudo(text: str) -> str:
    return f"⟪{text}⟫"


@cache
def _mo_file(sources: tuple[str, ...], directory: Path) -> Path:
    catalogue = Catalog(locale=LANGUAGE)
    for pattern in sources:
        for path in sorted(ROOT.glob(pattern)):
            method = "python" if path.suffix == ".py" else "jinja2"
            for _line, message, _comments, _context in extract_from_file(
                    method, str(path), keywords=KEYWORDS):
                if isinstance(message, tuple):  # ngettext: singular and plural
                    catalogue.add(message, tuple(pseudo(form) for form in message[:2]))
                else:
                    catalogue.add(message, pseudo(message))
    target = directory / LANGUAGE / "LC_MESSAGES" / "messages.mo"
    target.parent.mkdir(parents=True)
    with open(target, "wb") as file:
        write_mo(file, catalogue)
    return target


def pseudo_german(app, monkeypatch, tmp_path_factory, sources: tuple[str, ...]) -> None:
    """German (the pseudo-language) offered and read from the catalogue built of `sources`."""
    base = tmp_path_factory.getbasetemp() / f"pseudo-language-{abs(hash(sources))}"
    directory = _mo_file(sources, base).parents[2]
    monkeypatch.setattr(i18n, "shipped_languages", lambda: ("en", LANGUAGE))
    monkeypatch.setattr(app.extensions["babel"], "translation_directories", [str(directory)])
    monkeypatch.setattr(i18n.babel.domain_instance, "cache", {})
