"""The house (design §1): packages depend downward only, and every `rules/` module is pure.

Both checks read the sources with `ast`: module-level and function-level imports count, and
relative imports are resolved. Each check is also run on a synthetic source, to show it fails.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"

# From the bottom: a package may import only packages on a lower rank. Packages that share a
# rank (`directory`, `evaluation`, `assistance`; `events`, `grants`; `reports`, `opendata`)
# may not import each other.
RANKS = {"core": 0, "accounts": 1, "calls": 2, "applications": 3, "directory": 4,
         "evaluation": 4, "assistance": 4, "events": 5, "grants": 5, "reports": 6,
         "opendata": 6, "api": 7, "demo": 8}
# `app` itself (create_app, the CLI) wires every package together; nothing imports it.
COMPOSITION_ROOT = "app"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module `source` imports, anywhere in it, with relative imports resolved.

    For `from x import y` both `x` and `x.y` are named: `y` may be a module of package `x`.
    """
    here = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def app_modules() -> dict[str, Path]:
    return {module_name(path): path for path in APP.rglob("*.py")}


def package_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and parts[1] in RANKS):
        return parts[1]
    return COMPOSITION_ROOT


def wrong_imports(module: str, imported: set[str], known: set[str]) -> set[str]:
    """The imports of `module` that point upward, sideways, or at the composition root."""
    own = package_of(module)
    bad = set()
    for target in imported:
        if target not in known or own == COMPOSITION_ROOT:
            continue
        other = package_of(target)
        if other == own:
            continue
        if other == COMPOSITION_ROOT or RANKS[other] >= RANKS[own]:
            bad.add(target)
    return bad


def package_graph() -> dict[str, set[str]]:
    modules = app_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = imports_of(path.read_text(), name, path.name == "__init__.py")
        edges = {package_of(t) for t in targets if t in modules} - {package_of(name)}
        graph.setdefault(package_of(name), set()).update(edges)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the directed graph as a list of nodes, or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
            if nxt not in state and (cycle := visit(nxt, path + [nxt])):
                return cycle
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [start])):
            return cycle
    return None


def test_the_package_graph_has_no_cycle():
    graph = {pkg: deps - {COMPOSITION_ROOT} for pkg, deps in package_graph().items()
             if pkg != COMPOSITION_ROOT}
    assert find_cycle(graph) is None


def test_every_package_imports_only_packages_below_it():
    modules = app_modules()
    problems = {}
    for name, path in modules.items():
        imported = imports_of(path.read_text(), name, path.name == "__init__.py")
        if bad := wrong_imports(name, imported, set(modules)):
            problems[name] = sorted(bad)
    assert problems == {}


def test_every_domain_package_has_the_same_rooms():
    rooms = {"models.py", "forms.py", "rules", "services", "views"}
    missing = {pkg: sorted(rooms - {p.name for p in (APP / pkg).iterdir()})
               for pkg in RANKS if pkg not in ("core", "demo")}
    assert {pkg: rooms for pkg, rooms in missing.items() if rooms} == {}


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"calls": {"applications"}, "applications": {"calls"}}) == [
        "applications", "calls", "applications"]
    assert find_cycle({"calls": {"core"}, "core": set()}) is None


@pytest.mark.parametrize(("module", "source", "expected"), [
    ("app.calls.services.calls", "from app.applications.models import Application",
     {"app.applications.models"}),
    ("app.core.access", "def f():\n    from app.accounts.models import Role",
     {"app.accounts.models"}),
    ("app.evaluation.services.calls", "from ...directory import models",
     {"app.directory", "app.directory.models"}),
    ("app.grants.views.grants", "import app", {"app"}),
])
def test_an_upward_sideways_or_root_import_is_caught(module, source, expected):
    known = set(app_modules())
    assert wrong_imports(module, imports_of(source, module), known) == expected


def test_a_downward_import_is_allowed():
    source = "from app.core.extensions import db\nfrom ..rules import budget"
    module = "app.applications.services.costs"
    assert wrong_imports(module, imports_of(source, module), set(app_modules())) == set()


# Purity: a module under any rules/ folder imports the standard library and other rules/
# modules only. Importing `app.x.rules.y` also runs `app/__init__.py`, `app/x/__init__.py`
# and `app/x/rules/__init__.py`, so those are held to the same rule.
def rules_modules() -> list[str]:
    return sorted(name for name in app_modules() if ".rules" in name)


def impure_imports(module: str, source: str, is_package: bool = False) -> set[str]:
    bad = set()
    for target in imports_of(source, module, is_package):
        top = target.split(".")[0]
        if top in sys.stdlib_module_names:
            continue
        parts = target.split(".")
        allowed = (target == "app" or (len(parts) == 2 and parts[1] in RANKS)
                   or (len(parts) >= 3 and parts[2] == "rules"))
        if top != "app" or not allowed:
            bad.add(target)
    # `from app.x.rules import y` names y too; keep only what is really outside rules/
    return {t for t in bad if not any(t.startswith(b + ".") for b in bad)} or bad


def checked_for_purity() -> list[str]:
    """Every rules module and the package __init__ files that importing one runs."""
    names = set(rules_modules())
    for name in list(names):
        parts = name.split(".")
        names.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return sorted(names)


@pytest.mark.parametrize("module", checked_for_purity())
def test_rules_modules_and_their_packages_import_nothing_impure(module):
    path = app_modules()[module]
    assert impure_imports(module, path.read_text(), path.name == "__init__.py") == set()


@pytest.mark.parametrize("source", [
    "import flask", "from flask import request", "import sqlalchemy.orm",
    "from flask_login import current_user", "import wtforms", "import weasyprint",
    "from app.core.extensions import db", "from app import audit",
    "from app.accounts.models import User", "from ..services import calls",
    "def later():\n    import babel",
])
def test_the_purity_check_catches_impure_imports(source):
    assert impure_imports("app.calls.rules.scratch", source)


def test_the_purity_check_allows_the_standard_library_and_rules():
    source = ("from decimal import Decimal\nfrom app.calls.rules import countries\n"
              "from .lifecycle import CallKind\nfrom app.applications.rules.budget import share")
    assert impure_imports("app.calls.rules.scratch", source) == set()


def test_importing_every_rules_module_loads_no_third_party_package():
    """The dynamic proof: nothing outside the standard library is reachable from rules/."""
    # Modules the interpreter loaded before any rule (e.g. a namespace package that an
    # installed *-nspkg.pth imports at start-up) are not the rules' doing.
    program = (
        "import importlib, sys\n"
        "before = set(sys.modules)  # .pth files of installed packages may load some at start\n"
        f"for name in {rules_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "tops = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "print(sorted(t for t in tops if t not in sys.stdlib_module_names and t != 'app'"
        " and not t.startswith('_')))\n")
    result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"
