"""Shared fixtures: one app per database backend, isolated tests, real services or a clear skip."""

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, inspect, text

from tests import services

pytest_plugins = [
    "pytester",  # tests/unit/test_no_database.py runs a small pytest session of its own
    "tests.factories.accounts",
    "tests.factories.calls",
    "tests.factories.applications",
    "tests.factories.evaluation",
    "tests.factories.grants",
    "tests.factories.directory",
    "tests.factories.events",
]

BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config):
    config.opencall_services = services.detect()
    missing = services.missing(config.opencall_services)
    if missing and os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.exit(f"REQUIRE_SERVICES=1 but not reachable: {', '.join(missing)}", returncode=3)


def pytest_report_header(config):
    found = config.opencall_services
    return "services: " + ", ".join(f"{name}={'yes' if ok else 'MISSING'}"
                                    for name, ok in found.items())


def pytest_collection_modifyitems(config, items):
    found = config.opencall_services
    for item in items:
        for service in ("postgresql", "redis", "chromium"):
            if item.get_closest_marker(_MARKER[service]) and not found[service]:
                item.add_marker(pytest.mark.skip(reason=f"{service} is not available"))


_MARKER = {"postgresql": "postgres", "redis": "redis", "chromium": "browser"}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say how many tests ran on each backend and service, and name what was skipped."""
    passed = terminalreporter.stats.get("passed", [])
    tally = {"integration on sqlite": 0, "integration on postgresql": 0,
             "jobs on redis": 0, "browser on chromium": 0, "unit": 0}
    for report in passed:
        node = report.nodeid
        if "/integration/" in node:
            backend = "postgresql" if "[postgresql" in node else "sqlite"
            tally[f"integration on {backend}"] += 1
        elif "/jobs/" in node:
            tally["jobs on redis"] += 1
        elif "/browser/" in node:
            tally["browser on chromium"] += 1
        elif "/unit/" in node:
            tally["unit"] += 1
    terminalreporter.write_sep("-", "OpenCall test tiers")
    terminalreporter.write_line(
        ", ".join(f"{name}: {count} passed" for name, count in tally.items()))
    missing = services.missing(config.opencall_services)
    if missing:
        terminalreporter.write_line(
            f"SKIPPED TIERS: {', '.join(missing)} not reachable; their tests did not run.")


# --- the application under test --------------------------------------------------------


@pytest.fixture(scope="session")
def files_dir():
    path = Path(tempfile.mkdtemp(prefix="opencall-files-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def database_urls(request):
    """One migrated database per backend, built once per run by `flask db upgrade`."""
    urls = {}
    sqlite_dir = Path(tempfile.mkdtemp(prefix="opencall-db-"))
    urls["sqlite"] = f"sqlite:///{sqlite_dir / 'test.db'}"
    if request.config.opencall_services["postgresql"]:
        urls["postgresql"] = services.fresh_postgres_database()
    yield urls
    shutil.rmtree(sqlite_dir, ignore_errors=True)


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context (fresh `g` and database session), as in
    production; without this, requests would share the test's context and its caches.
    Bodies are read and closed at once (`buffered`): a file sent with send_file() is closed
    before the test looks at it, instead of leaking an open file (a ResourceWarning)."""

    def open(self, *args, **kwargs):
        from app.core.extensions import db

        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's own objects see what the request committed
        return response


_apps = {}


def _app_for(backend: str, urls: dict, files_dir: Path, *, live: bool = False):
    """One app per backend; `live` is the SQLite app a real browser talks to over HTTP."""
    key = f"{backend}-live" if live else backend
    if key not in _apps:
        from flask_migrate import upgrade

        from app.factory import create_app

        settings = {"JOBS_MODE": "thread"} if live else {"SERVER_NAME": "localhost"}
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=urls[backend], FILES_DIR=files_dir,
                         **settings)
        app.test_client_class = IsolatedClient
        with app.app_context():
            upgrade()
        _apps[key] = app
    return _apps[key]


APPEND_ONLY = {"audit_events"}


def _empty_tables(app) -> None:
    from app.core.extensions import db

    existing = set(inspect(db.engine).get_table_names())
    tables = [t.name for t in reversed(db.metadata.sorted_tables) if t.name in existing]
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.begin() as connection:
        if postgres:
            tables = _postgres_tables_holding_rows(connection, tables)
        for table in tables:  # children first: sorted_tables reversed
            # The audit trail refuses DELETE on PostgreSQL (a trigger); nothing references it.
            verb = "TRUNCATE" if postgres and table in APPEND_ONLY else "DELETE FROM"
            connection.execute(text(f"{verb} {table}"))
        if postgres:  # ids start at 1 again, as on a new database
            connection.execute(text(
                "SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) "
                "FROM pg_sequences WHERE schemaname = current_schema() "
                "AND last_value IS NOT NULL"))


def _postgres_tables_holding_rows(connection, tables: list[str]) -> list[str]:
    """The tables that hold rows, in the given order, found in one round trip.

    A test touches a few of the ~70 tables. TRUNCATE costs as much for an empty table as for a
    full one (new files for each, and CASCADE pulls in every referencing table): it took most
    of each PostgreSQL test's time. DELETE of the few tables with rows takes milliseconds."""
    holding_rows = " UNION ALL ".join(
        f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {table})" for table in tables)
    found = set(connection.execute(text(holding_rows)).scalars())
    return [table for table in tables if table in found]


@pytest.fixture(params=[pytest.param("sqlite"),
                        pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request):
    return request.param


@pytest.fixture
def app(backend, database_urls, files_dir):
    """The app on one backend, inside an app context, with every table empty."""
    from app.core.extensions import db

    flask_app = _app_for(backend, database_urls, files_dir)
    with flask_app.app_context():
        _empty_tables(flask_app)
        yield flask_app
        db.session.remove()


@pytest.fixture
def sqlite_app(database_urls, files_dir):
    """The SQLite app alone: for browser and job tests that are not about the database."""
    from app.core.extensions import db

    flask_app = _app_for("sqlite", database_urls, files_dir)
    with flask_app.app_context():
        _empty_tables(flask_app)
        yield flask_app
        db.session.remove()


@pytest.fixture
def live_app(database_urls, files_dir):
    """The app served to the browser, on SQLite, with every table empty."""
    from app.core.extensions import db

    flask_app = _app_for("sqlite", database_urls, files_dir, live=True)
    with flask_app.app_context():
        _empty_tables(flask_app)
        yield flask_app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


# --- helpers for tests --------------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str = "/accounts/login") -> str:
    match = _CSRF.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a `with count_queries() as counted:` block."""
    from contextlib import contextmanager

    from app.core.extensions import db

    @contextmanager
    def counting():
        statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting
