"""Pure rule modules (design §1) must not import Flask, SQLAlchemy or the app's extensions."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
PURE_MODULES = [
    "calls/countries.py", "calls/lifecycle.py", "calls/rules.py", "calls/criteria.py",
    "calls/criteria_text.py",
    "applications/eligibility.py", "applications/budget.py", "applications/submission_rules.py",
    "evaluation/scoring.py", "evaluation/ranking.py", "evaluation/funding.py",
    "evaluation/assignment.py", "grants/payments.py", "accounts/classifications.py",
    "directory/suggestions.py", "grants/lifecycle.py", "grants/agreement.py",
    "grants/allocation.py",
]
FORBIDDEN = ("flask", "sqlalchemy", "flask_sqlalchemy", "app.extensions", "werkzeug")


def imported_modules(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def forbidden_imports(source: str) -> set[str]:
    return {name for name in imported_modules(source)
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
            or (name.startswith("app.") and name.endswith(".models"))}


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_imports_no_framework(module):
    assert forbidden_imports((APP / module).read_text()) == set()


@pytest.mark.parametrize("source", [
    "import flask", "from flask import request", "import sqlalchemy.orm",
    "from sqlalchemy import select", "from app.extensions import db",
    "from app.accounts.models import User",
])
def test_the_check_catches_framework_imports(source):
    assert forbidden_imports(source)


def test_the_check_allows_the_standard_library_and_pure_modules():
    source = "from decimal import Decimal\nfrom app.calls import countries"
    assert forbidden_imports(source) == set()


def test_every_listed_pure_module_exists():
    assert [m for m in PURE_MODULES if not (APP / m).exists()] == []
