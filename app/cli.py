"""Command-line commands: `flask demo prepare`, `flask demo seed`, `flask worker`,
`flask backup`, `flask restore` and `flask audit verify`."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

demo = AppGroup("demo", help="Demo data.")
audit = AppGroup("audit", help="The audit trail.")


@demo.command("prepare")
def prepare_command():
    """Upgrade the demo database and check it; rebuild it if an older version left it broken."""
    problem = _upgrade_and_check()
    if problem is None:
        click.echo("The database is at the current schema.")
        return
    path = _demo_database_file()
    if path is None:
        # Only the demo's own SQLite file is disposable; any other database holds real data.
        raise click.ClickException(
            f"The database does not match this version ({problem}). Not rebuilding it: "
            "only the demo SQLite database in the instance folder is ever deleted.")
    click.echo(f"The demo database {path} does not match this version ({problem}); "
               "rebuilding it.")
    _delete_sqlite_file(path)
    problem = _upgrade_and_check()
    if problem is not None:  # a fresh database fails too: the code is wrong, not the data
        raise click.ClickException(f"A freshly built database fails too: {problem}")
    click.echo("Rebuilt the demo database at the current schema.")


def _upgrade_and_check() -> str | None:
    """`flask db upgrade` then `flask db check`; the first line of what failed, or None."""
    from alembic import command
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    config = current_app.extensions["migrate"].migrate.get_config()
    try:
        command.upgrade(config, "head")
        command.check(config)  # raises when the tables differ from the models
    except (CommandError, SQLAlchemyError) as error:
        return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
    return None


def _demo_database_file() -> Path | None:
    """The SQLite file the app uses, if it lies directly in the instance folder (where the
    default DATABASE_URL puts the demo); None for any other database."""
    from app.core.extensions import db

    url = db.engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.query.get("mode") == "memory" or url.database.startswith("file:"):
        return None  # an SQLite URI, not a plain file path
    path = Path(url.database).resolve()
    instance = Path(current_app.instance_path).resolve()
    if path.parent != instance or path.suffix != ".db" or not path.is_file():
        return None
    return path


def _delete_sqlite_file(path: Path) -> None:
    from app.core.extensions import db

    db.session.remove()
    db.engine.dispose()  # no pooled connection may keep writing to the old file
    # WAL mode leaves the last writes in -wal; a stale -wal would be replayed into the new file.
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


@demo.command("seed")
def seed_command():
    """Seed the demo data (idempotent) and print the logins."""
    from app.demo.seed import DEMO_PASSWORD, seed_demo

    if current_app.config.get("OPENCALL_MODE") == "production":
        # Demo accounts share one published password: never in a real deployment.
        raise click.ClickException("flask demo seed refuses to run in production.")
    users = seed_demo()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for user in users:
        click.echo(f"  {user.email:<32} {', '.join(r.label for r in user.roles)}")
    click.echo("  (and contact-<PIC>@demo.opencall.eu for the demo partner organisations)")
    click.echo("Admins, officers, finance officers and experts set up two-factor sign-in at "
               "their first sign-in: keep an authenticator app at hand.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool):
    """Run an RQ worker for OpenCall's jobs, with its heartbeat and maintenance loop."""
    from app.core.worker import run_worker

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("Set REDIS_URL to run a worker.")
    # One job at a time in this process (see app/core/worker.py); scale out by starting more
    # `flask worker` processes.
    run_worker(current_app._get_current_object(), burst=burst)


@click.command("backup")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The archive to write (default: instance/backups/opencall-<time>.tar).")
def backup_command(output: Path | None):
    """Copy the database (one consistent snapshot) and the files into one archive."""
    from app.core.backup import BackupError, backup
    from app.core.database import utcnow
    from app.core.extensions import db

    output = output or (Path(current_app.instance_path) / "backups"
                        / f"opencall-{utcnow():%Y%m%dT%H%M%SZ}.tar")
    try:
        backup(db.engine, Path(current_app.config["FILES_DIR"]), output, say=click.echo)
    except BackupError as error:
        raise click.ClickException(str(error)) from None


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(archive: Path):
    """Restore an archive into an EMPTY database and files folder, then verify every checksum."""
    from app.core.backup import BackupError, restore
    from app.core.extensions import db

    try:
        restore(db.engine, Path(current_app.config["FILES_DIR"]), archive, say=click.echo)
    except BackupError as error:
        raise click.ClickException(str(error)) from None


@audit.command("verify")
def audit_verify_command():
    """Walk the audit trail's hash chain; exit 1 naming the first event that does not fit."""
    from app.core.audit_chain import verify
    from app.core.extensions import db

    checked, broken = verify(db.session)
    if broken is not None:
        click.echo(f"Broken at audit event {broken.event_id}: {broken.reason}. "
                   f"{checked} events before it verified.", err=True)
        raise SystemExit(1)
    click.echo(f"{checked} audit events verified: the chain is intact.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo)
    app.cli.add_command(audit)
    app.cli.add_command(worker_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
