"""The navigation menu, by role: one place that says which role sees which screens."""

from app.accounts.models import Role

# (label, endpoint, roles that see it; empty = every signed-in user)
MENU = (
    ("Users", "admin.users", {Role.admin}),
    ("Invite evaluator", "admin.invite_evaluator", {Role.admin, Role.programme_officer}),
    ("Outbox", "admin.outbox", {Role.admin}),
    ("Audit trail", "admin.audit_trail", {Role.admin}),
)


def menu_for(user) -> list[tuple[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [(label, endpoint) for label, endpoint, roles in MENU
            if not roles or user.has_role(*roles)]
