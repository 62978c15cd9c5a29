"""Every shipped catalogue translates every string the code asks to translate, none fuzzy,
with the same placeholders; the strings are read from the source as `make translations`
reads them (babel.cfg), so a new string without its translations fails here (issue 14)."""

from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from app.core.i18n import TRANSLATIONS

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "Nn_": (1, 2)}  # Nn_: plural templates of pure rules (app/core/rules/messages.py)
CATALOGUES = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


@cache
def source_messages() -> frozenset[str]:
    """The msgid (the singular for plurals) of every string marked for translation."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    return frozenset(
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS))


def _catalogue(path: Path):
    with open(path, "rb") as file:
        return read_po(file)


def _is_translated(message) -> bool:
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(forms)


def test_strings_are_marked_for_translation():
    assert {"Language", "Change"} <= source_messages()


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parents[1].name)
def test_the_catalogue_translates_every_string_none_fuzzy(path):
    catalogue = _catalogue(path)
    translated = {message.id if isinstance(message.id, str) else message.id[0]: message
                  for message in catalogue if message.id}
    missing = sorted(source_messages() - set(translated))
    assert not missing, f"not in {path.parents[1].name}: run `make translations`: {missing[:10]}"
    untranslated = sorted(key for key, message in translated.items()
                          if key in source_messages() and not _is_translated(message))
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    fuzzy = sorted(key for key, message in translated.items() if message.fuzzy)
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parents[1].name)
def test_translations_keep_their_placeholders(path):
    problems = [f"{message.id}: {error}" for message, errors in _catalogue(path).check()
                for error in errors]
    assert problems == []
