"""Pages of accounts: signing in and out, registering, and the administration."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.accounts.models import Role

bp = Blueprint("accounts", __name__, url_prefix="/accounts")
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")
BLUEPRINTS = (bp, admin_bp)

MENU = (
    (_l("Users"), "admin.users", frozenset({Role.admin})),
    (_l("Invite evaluator"), "admin.invite_evaluator",
     frozenset({Role.admin, Role.programme_officer})),
    (_l("Outbox"), "admin.outbox", frozenset({Role.admin})),
    (_l("Audit trail"), "admin.audit_trail", frozenset({Role.admin})),
)

# The page modules register their routes on the blueprints when imported.
from app.accounts.views import (  # noqa: E402, F401
    account,
    admin,
    admin_users,
    language,
    second_factor,
    step_up,
    verification,
)
