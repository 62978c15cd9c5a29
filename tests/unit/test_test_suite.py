"""Rules for the tests themselves, checked by reading their source."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _is_pytest_raises(node: ast.Call) -> bool:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr == "raises" and isinstance(func.value, ast.Name) \
            and func.value.id == "pytest"
    return isinstance(func, ast.Name) and func.id == "raises"


def raises_without_match(source: str, filename: str = "<test>") -> list[int]:
    """Lines of `pytest.raises(...)` calls that do not say which message they expect."""
    tree = ast.parse(source, filename=filename)
    return sorted(node.lineno for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and _is_pytest_raises(node)
                  and not any(keyword.arg == "match" for keyword in node.keywords))


def test_every_pytest_raises_names_the_message_it_expects():
    # An exception of the right type for the wrong reason passes a bare pytest.raises; `match=`
    # pins the reason. This file is left out: it writes bare calls on purpose, as examples.
    offenders = [f"{path.relative_to(TESTS.parent)}:{line}"
                 for path in sorted(TESTS.rglob("*.py")) if path != Path(__file__).resolve()
                 for line in raises_without_match(path.read_text(encoding="utf-8"), str(path))]
    assert offenders == [], "pytest.raises without match=: " + ", ".join(offenders)


def test_the_scan_finds_a_bare_pytest_raises():
    source = (
        "import pytest\n"
        "def test_a():\n"
        "    with pytest.raises(ValueError):\n"
        "        int('x')\n"
        "def test_b():\n"
        "    with pytest.raises(ValueError, match='invalid literal'):\n"
        "        int('x')\n"
        "def test_c():\n"
        "    pytest.raises(ValueError, int, 'x')\n"
    )
    assert raises_without_match(source) == [3, 9]
