"""Which real services this machine offers the tests: PostgreSQL, Redis, Chromium."""

import atexit
import os
import shutil

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# One database per test run, so that runs side by side never drop each other's.
TEST_DATABASE = f"opencall_test_{os.getpid()}"


def _postgres_ok() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


def _redis_ok() -> bool:
    try:
        from redis import Redis

        return bool(Redis.from_url(REDIS_URL, socket_timeout=3).ping())
    except Exception:
        return False


def _chromium_ok() -> bool:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return False
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return True


def detect() -> dict[str, bool]:
    return {"postgresql": _postgres_ok(), "redis": _redis_ok(), "chromium": _chromium_ok()}


def missing(found: dict[str, bool]) -> list[str]:
    return [name for name, ok in found.items() if not ok]


def _drop_database() -> None:
    import psycopg

    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {TEST_DATABASE} WITH (FORCE)")
    except Exception:  # the server went away first: nothing left to clean
        pass


def fresh_postgres_database() -> str:
    """Drop and create the test database; return its SQLAlchemy URL."""
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {TEST_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {TEST_DATABASE}")
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    atexit.register(_drop_database)
    return base.replace("postgresql://", "postgresql+psycopg://", 1) + f"/{TEST_DATABASE}"
