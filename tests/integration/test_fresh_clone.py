"""`flask db upgrade` on a fresh clone: the SQLite file's folder (instance/) does not exist
yet, and the upgrade creates it instead of failing with "unable to open database file"."""

import sqlite3

from app.factory import create_app


def test_db_upgrade_creates_the_missing_instance_folder(tmp_path):
    database = tmp_path / "fresh-clone" / "instance" / "opencall.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
                     FILES_DIR=tmp_path / "files")
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    tables = {name for (name,) in sqlite3.connect(database).execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"calls", "alembic_version"} <= tables
