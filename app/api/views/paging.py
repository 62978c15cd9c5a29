"""One shape for every list: `items` and an opaque `next` cursor."""

from collections.abc import Callable, Mapping
from typing import Any

from app.api.rules.cursors import encode


def page_of(pagination, filters: Mapping[str, object], item: Callable[[Any], dict]) -> dict:
    """A page of a service's Flask-SQLAlchemy pagination, with the cursor of the next one."""
    return {"items": [item(row) for row in pagination.items],
            "next": encode(pagination.page + 1, filters) if pagination.has_next else None}
