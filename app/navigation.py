"""The navigation menu, gathered from each blueprint module's MENU, filtered by role."""

from importlib import import_module

from app.accounts.models import Role

# (label, endpoint, roles that see it; empty = every signed-in user)
MenuEntry = tuple[str, str, frozenset[Role]]


def all_entries() -> list[MenuEntry]:
    from app import BLUEPRINT_MODULES

    entries: list[MenuEntry] = []
    for name in BLUEPRINT_MODULES:
        entries.extend(getattr(import_module(name), "MENU", ()))
    return entries


def menu_for(user) -> list[tuple[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [(label, endpoint) for label, endpoint, roles in all_entries()
            if not roles or user.has_role(*roles)]
