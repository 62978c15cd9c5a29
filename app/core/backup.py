"""Backup and restore: the database and the files in one archive, with a manifest of checksums.

The archive (an uncompressed tar: pg_dump's custom format is compressed already) holds
  manifest.json          what is inside: every table's row count and SHA-256, every file's
                         SHA-256, the schema revision
  database.pgdump        PostgreSQL: pg_dump --format=custom, or
  database.sqlite3       SQLite: a copy made with SQLite's online backup API
  files/…                FILES_DIR, without the temporary files of writers (storage.PARTIAL_DIR)

The database is copied first and in one consistent snapshot: on PostgreSQL the checksums are
computed in a transaction whose snapshot pg_dump shares (--snapshot), on SQLite from the copy.
The files come after it, so every file a copied row names is there (a receipt still being
prepared is prepared again after a restore). A restore goes into an empty database and an
empty files folder only, and verifies every checksum of the manifest before it says done.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, MetaData, Table, inspect, select, text
from sqlalchemy.engine import URL, Connection

from app.core.database import utcnow
from app.core.storage import PARTIAL_DIR

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """The backup or restore cannot go on; the message says why."""


# --- checksums ------------------------------------------------------------------------------


def _plain(value):
    """One spelling per value, whatever the driver returned (bytes, dates, decimals)."""
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, datetime | date | Decimal):
        return str(value)
    return value


def table_checksums(connection: Connection) -> dict[str, dict]:
    """Every table's row count and the SHA-256 of its rows in primary-key order."""
    checksums = {}
    for name in sorted(inspect(connection).get_table_names()):
        table = Table(name, MetaData(), autoload_with=connection)
        order = list(table.primary_key.columns) or list(table.columns)
        digest, rows = hashlib.sha256(), 0
        for row in connection.execute(select(table).order_by(*order)):
            digest.update(json.dumps([_plain(v) for v in row], default=str).encode())
            digest.update(b"\n")
            rows += 1
        checksums[name] = {"rows": rows, "sha256": digest.hexdigest()}
    return checksums


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def stored_files(files_dir: Path) -> list[Path]:
    """Every file under FILES_DIR except writers' temporary files, as relative paths."""
    if not files_dir.is_dir():
        return []
    return sorted(path.relative_to(files_dir) for path in files_dir.rglob("*")
                  if path.is_file() and path.relative_to(files_dir).parts[0] != PARTIAL_DIR)


# --- PostgreSQL and SQLite ------------------------------------------------------------------


def _libpq(url: URL) -> tuple[str, dict]:
    """pg_dump/pg_restore's connection string, with the password in the environment."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed: install the PostgreSQL client "
                          "of the server's version") from None
    except subprocess.CalledProcessError as failed:
        raise BackupError(f"{command[0]} failed: {failed.stderr.strip()[:2000]}") from None


def _dump_postgresql(engine: Engine, target: Path) -> dict:
    """pg_dump of one snapshot; the checksums are read in that same snapshot."""
    dsn, env = _libpq(engine.url)
    with engine.connect() as connection:
        connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              f"--snapshot={snapshot}", f"--file={target}", f"--dbname={dsn}"], env)
        checksums = table_checksums(connection)  # the transaction keeps the snapshot alive
        connection.rollback()
    return checksums


def _copy_sqlite(engine: Engine, target: Path) -> dict:
    source = sqlite3.connect(engine.url.database)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # SQLite's online backup: a consistent copy while others write
    finally:
        copy.close()
        source.close()
    from sqlalchemy import create_engine

    copied = create_engine(f"sqlite:///{target}")
    try:
        with copied.connect() as connection:
            return table_checksums(connection)
    finally:
        copied.dispose()


# --- backup ---------------------------------------------------------------------------------


def backup(engine: Engine, files_dir: Path, archive: Path,
           say: Callable[[str], None] = print) -> dict:
    """Write the archive; returns its manifest."""
    backend = engine.url.get_backend_name()
    if backend not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups of {backend} databases are not supported")
    if backend == "sqlite" and engine.url.database in (None, "", ":memory:"):
        raise BackupError("An in-memory SQLite database cannot be backed up")
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="opencall-backup-") as work:
        name = "database.pgdump" if backend == "postgresql" else "database.sqlite3"
        database_file = Path(work) / name
        say(f"Copying the {backend} database…")
        copy = _dump_postgresql if backend == "postgresql" else _copy_sqlite
        tables = copy(engine, database_file)
        revision = _revision(engine) if "alembic_version" in tables else None
        files = stored_files(files_dir)
        say(f"Copying {len(files)} files…")
        manifest = {
            "format": FORMAT, "created_at": utcnow().isoformat(), "backend": backend,
            "revision": revision,
            "database": {"file": name, "sha256": file_sha256(database_file)},
            "tables": tables, "files": {},
        }
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(database_file, arcname=name)
            for relative in files:
                path = files_dir / relative
                manifest["files"][relative.as_posix()] = file_sha256(path)
                tar.add(path, arcname=f"files/{relative.as_posix()}")
            _add_json(tar, MANIFEST, manifest)
        os.replace(partial, archive)  # a backup that stopped midway is not taken for one
    say(f"Backup written to {archive}: {len(tables)} tables, {len(files)} files.")
    return manifest


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _add_json(tar: tarfile.TarFile, name: str, data: dict) -> None:
    payload = json.dumps(data, indent=2, sort_keys=True).encode()
    info = tarfile.TarInfo(name)
    info.size, info.mtime = len(payload), int(utcnow().timestamp())
    tar.addfile(info, io.BytesIO(payload))


# --- restore --------------------------------------------------------------------------------


def restore(engine: Engine, files_dir: Path, archive: Path,
            say: Callable[[str], None] = print) -> dict:
    """Bring an archive back into an empty database and files folder, then verify it."""
    backend = engine.url.get_backend_name()
    with tarfile.open(archive, "r") as tar, tempfile.TemporaryDirectory(
            prefix="opencall-restore-") as work:
        manifest = _read_manifest(tar)
        if manifest["backend"] != backend:
            raise BackupError(f"This archive holds a {manifest['backend']} database; the "
                              f"configured database is {backend}")
        _refuse_unless_empty(engine, files_dir)
        say("Checking the archive…")
        tar.extractall(work, filter="data")  # refuses absolute paths, links out, devices
        unpacked = Path(work)
        database_file = unpacked / manifest["database"]["file"]
        _expect(file_sha256(database_file), manifest["database"]["sha256"], "the database copy")
        for relative, digest in manifest["files"].items():
            _expect(file_sha256(unpacked / "files" / relative), digest, f"file {relative}")
        say("Restoring the database…")
        if backend == "postgresql":
            dsn, env = _libpq(engine.url)
            _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                  f"--dbname={dsn}", str(database_file)], env)
        else:
            engine.dispose()
            target = Path(engine.url.database)
            for suffix in ("-wal", "-shm", "-journal"):  # an empty database's leftovers
                target.with_name(target.name + suffix).unlink(missing_ok=True)
            shutil.copyfile(database_file, target)
        say(f"Restoring {len(manifest['files'])} files…")
        for relative in manifest["files"]:
            target = files_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(unpacked / "files" / relative, target)
    verify(engine, files_dir, manifest)
    say(f"Restored and verified: {len(manifest['tables'])} tables, "
        f"{len(manifest['files'])} files, schema {manifest['revision']}.")
    return manifest


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, AttributeError, ValueError):
        raise BackupError("This is not an OpenCall backup: it has no readable manifest") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}")
    return manifest


def _refuse_unless_empty(engine: Engine, files_dir: Path) -> None:
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
    if tables:
        raise BackupError(f"The database is not empty ({len(tables)} tables): restore into "
                          "a new, empty database")
    if files_dir.exists() and any(files_dir.iterdir()):
        raise BackupError(f"The files folder {files_dir} is not empty: restore into an "
                          "empty folder")


def _expect(actual: str, expected: str, what: str) -> None:
    if actual != expected:
        raise BackupError(f"Checksum mismatch for {what}: the archive is damaged")


def verify(engine: Engine, files_dir: Path, manifest: dict) -> None:
    """Every table and file as the manifest says, or BackupError naming the first that is not."""
    with engine.connect() as connection:
        tables = table_checksums(connection)
    for name, expected in manifest["tables"].items():
        if tables.get(name) != expected:
            raise BackupError(f"Table {name} differs from the backup after restoring: "
                              f"{tables.get(name)} instead of {expected}")
    for relative, digest in manifest["files"].items():
        path = files_dir / relative
        if not path.is_file():
            raise BackupError(f"File {relative} is missing after restoring")
        _expect(file_sha256(path), digest, f"restored file {relative}")
