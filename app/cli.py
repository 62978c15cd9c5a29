"""Command-line commands: `flask demo seed` and `flask worker`."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

demo = AppGroup("demo", help="Demo data.")


@demo.command("seed")
def seed_command():
    """Seed the demo data (idempotent) and print the logins."""
    from app.demo.seed import DEMO_PASSWORD, seed_demo

    users = seed_demo()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for user in users:
        click.echo(f"  {user.email:<32} {', '.join(r.label for r in user.roles)}")
    click.echo("  (and contact-<PIC>@demo.opencall.eu for the demo partner organisations)")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool):
    """Run an RQ worker for OpenCall's jobs inside the app context."""
    from rq import SimpleWorker

    from app.core.jobs import rq_queue

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("Set REDIS_URL to run a worker.")
    queue = rq_queue(current_app)
    # SimpleWorker runs jobs in this process: a forked child would share the parent's
    # database connections. Scale out by starting more `flask worker` processes.
    SimpleWorker([queue], connection=queue.connection).work(burst=burst)


def register_commands(app: Flask) -> None:
    app.cli.add_command(demo)
    app.cli.add_command(worker_command)
