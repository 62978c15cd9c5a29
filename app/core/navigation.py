"""The navigation menu: the entries each views package lists in MENU, filtered by role."""

from flask import current_app

# (label, endpoint, roles that see it; empty = every signed-in user)
MenuEntry = tuple[str, str, frozenset[str]]


def all_entries() -> tuple[MenuEntry, ...]:
    """Gathered once by create_app() from every views package."""
    return current_app.extensions["opencall.menu"]


def menu_for(user) -> list[tuple[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [(label, endpoint) for label, endpoint, roles in all_entries()
            if not roles or user.has_role(*roles)]
