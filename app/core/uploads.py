"""What an uploaded PDF may contain, and how much a user may upload (OWASP ASVS V5).

The magic bytes alone let an HTML page with a `%PDF-` first line through, so every upload is
parsed with pypdf and must be a document with pages. Active content is refused: JavaScript,
launch actions (run a program) and embedded files (a carrier for anything). The walk looks at
every object reachable from the trailer, so a script hidden in an annotation, a form field or
a name tree is found as well as one in the document's open action.
"""

from io import BytesIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
from sqlalchemy import func, select

from app.core.database import StoredFile
from app.core.extensions import db
from app.core.i18n import N_

MEGABYTE = 1024 * 1024
# English msgids (N_): pdf_problem gives them in the uploader's language.
NOT_A_PDF = N_("Upload a PDF file: this file is not a PDF, whatever its name says.")
ENCRYPTED = N_("This PDF is protected by a password: upload it without the protection.")
# pypdf decodes "#xx" escapes in names, so /J#61vaScript arrives here as /JavaScript.
_ACTIVE_ACTIONS = {"/JavaScript": "JavaScript",
                   "/Launch": _l("a launch action (it starts a program)")}
_EMBEDDED_KEYS = {"/EmbeddedFiles", "/EmbeddedFile"}
# A bound on the walk, so that a crafted file cannot keep a web process busy.
MAX_OBJECTS = 200_000


def _active_content(value) -> str | None:
    """The first kind of active content found anywhere below `value`, or None."""
    seen: set[tuple[int, int]] = set()
    stack = [value]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            return "too many objects to check"
        if isinstance(item, DictionaryObject):
            if "/JS" in item or item.get("/S") == "/JavaScript" or "/JavaScript" in item:
                return _ACTIVE_ACTIONS["/JavaScript"]
            if item.get("/S") == "/Launch":
                return _ACTIVE_ACTIONS["/Launch"]
            if _EMBEDDED_KEYS & set(item.keys()) or item.get("/Type") == "/EmbeddedFile" \
                    or item.get("/Subtype") == "/FileAttachment":
                return "an embedded file"
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return None


def pdf_problem(data: bytes) -> str | None:
    """Why `data` is refused as a PDF, in words for the uploader; None when it is a clean PDF."""
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            return _(ENCRYPTED)
        if "/Root" not in reader.trailer or len(reader.pages) == 0:
            return _(NOT_A_PDF)
        found = _active_content(reader.trailer)
    except Exception:  # any failure to parse hostile input means "not a PDF"
        return _(NOT_A_PDF)
    if found:
        return _("This PDF contains %(found)s, which OpenCall does not accept: save or print "
                 "it as a plain PDF without scripts, actions or attached files and upload that.",
                 found=str(found))
    return None


def bytes_uploaded_by(user_id: int) -> int:
    """Everything the user has uploaded, in every table of stored files (superseded files are
    kept, so they count)."""
    return sum(db.session.scalar(select(func.coalesce(func.sum(table.size), 0))
                                 .where(table.uploaded_by_id == user_id)) or 0
               for table in StoredFile.__subclasses__())


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB"


def quota_problem(*, used: int, adding: int, quota: int, whose: str) -> str | None:
    """The message when `adding` bytes would take `used` over `quota` (0 means no quota)."""
    if quota and used + adding > quota:
        return _("%(whose)s may store at most %(quota)s of files; %(used)s are used and this "
                 "file is %(size)s.", whose=whose, quota=_megabytes(quota),
                 used=_megabytes(used), size=_megabytes(adding))
    return None
