"""The application factory: configuration, extensions, blueprints, CLI and error pages."""

import sys
from importlib import import_module
from pathlib import Path

from flask import Flask, session
from flask_login import current_user

from app.core.extensions import bootstrap, csrf, db, login_manager, migrate
from config.settings import get_config


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(get_config(config_name))
    app.config.update(overrides)
    from app.core.database import make_sqlite_directory

    make_sqlite_directory(app.config["SQLALCHEMY_DATABASE_URI"])
    from app.core.arrival import ArrivalStamp
    from app.core.inputs import install_input_guards

    # Outermost: a submission is timed when it arrives, before any work (core/arrival.py).
    app.wsgi_app = ArrivalStamp(app.wsgi_app, app.config.get("REQUEST_START_HEADER"))
    _init_extensions(app)
    install_input_guards(app)  # before the blueprints: their routes use its <int:…> converter
    _register_blueprints(app)

    from app.cli import register_commands
    from app.core.access import enforce_route_access
    from app.core.errors import register_error_pages
    from app.core.formatting import register_filters
    from app.core.refused_token import register_refused_token_answer
    from app.core.security import init_security

    init_security(app)  # first: an idle session is forgotten before access is decided
    app.before_request(enforce_route_access)
    # Then: staff who must have a second factor and have none may only enrol.
    from app.accounts.views.second_factor import require_enrolment

    app.before_request(require_enrolment)
    register_error_pages(app)
    register_refused_token_answer(app)
    register_filters(app)
    register_commands(app)
    app.context_processor(_navigation)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    _keep_committed_migrations_importable()
    csrf.init_app(app)
    bootstrap.init_app(app)
    from app.core.i18n import init_i18n

    init_i18n(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"

    from app.accounts.services.users import user_for_session

    @login_manager.user_loader
    def load_user(user_id: str):
        return user_for_session(session.get("sid"), user_id)


def _keep_committed_migrations_importable() -> None:
    """Revisions committed before app/core/ existed import `app.database`; migrations are
    history and never edited, so that name keeps resolving for every `flask db` command."""
    import app as package
    from app.core import database

    sys.modules.setdefault("app.database", database)
    package.database = database


# Each views package has a blueprint `bp` (or several in `BLUEPRINTS`) and may list its menu
# entries in `MENU`.
VIEW_PACKAGES = (
    "app.core.system",
    "app.accounts.views",
    "app.calls.views",
    "app.applications.views",
    "app.evaluation.views",
    "app.grants.views",
    "app.reports.views",
    "app.directory.views",
    "app.assistance.views",
    "app.events.views",
    "app.opendata.views",
    "app.api.views",
)


def _register_blueprints(app: Flask) -> None:
    menu = []
    for name in VIEW_PACKAGES:
        module = import_module(name)
        for blueprint in getattr(module, "BLUEPRINTS", (module.bp,)):
            app.register_blueprint(blueprint)
        menu.extend(getattr(module, "MENU", ()))
    app.extensions["opencall.menu"] = tuple(menu)


def _navigation() -> dict:
    """Menu entries for the signed-in user's roles (base.html renders them)."""
    from app.core.navigation import menu_for

    return {"menu": menu_for(current_user)}
