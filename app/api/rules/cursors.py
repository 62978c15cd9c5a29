"""Opaque pagination cursors: the client passes back `next` as it was given, nothing else.

A cursor carries the position in the list and a digest of the filters it was made for, so
a cursor used with other filters is refused instead of silently skipping rows.
"""

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping


class CursorError(ValueError):
    """A cursor that this API did not make, or made for another query."""


def _digest(filters: Mapping[str, object]) -> str:
    text = json.dumps({k: filters[k] for k in sorted(filters)}, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def encode(page: int, filters: Mapping[str, object]) -> str:
    raw = json.dumps({"p": page, "f": _digest(filters)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None, filters: Mapping[str, object]) -> int:
    """The page the cursor points at (1 without a cursor)."""
    if not cursor:
        return 1
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        page = data["p"]
        digest = data["f"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise CursorError("The cursor is not one this API gave out.") from None
    if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= 1_000_000:
        raise CursorError("The cursor is not one this API gave out.")
    if digest != _digest(filters):
        raise CursorError("The cursor was made for other filters; start again without it.")
    return page
