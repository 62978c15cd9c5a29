"""The suggestions page's translatable check names say in English exactly what the pure rule
says, for every check it names."""

from app.directory.labels import CHECK_NAMES
from app.directory.rules.suggestions import CHECK_LABELS


def test_the_same_english_as_the_rule():
    assert {code: str(name) for code, name in CHECK_NAMES.items()} == dict(CHECK_LABELS)
