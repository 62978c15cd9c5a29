"""Submitting rules: canonical snapshot hash, PDF check, file names, what blocks a submit (pure)."""

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from app.core.rules.messages import N_, Message

PDF_MAGIC = b"%PDF-"
MEGABYTE = 1024 * 1024
DEFAULT_FILENAME = "document.pdf"
MAX_FILENAME_LENGTH = 120
# Letters, digits, dot, dash, underscore and space survive; everything else becomes "_".
_UNSAFE_CHARACTERS = re.compile(r"[^A-Za-z0-9._ -]+")


def canonical_json(data: Mapping) -> str:
    """The one text of a snapshot that everybody hashes the same way."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def snapshot_sha256(snapshot: Mapping) -> str:
    return hashlib.sha256(canonical_json(snapshot).encode("utf-8")).hexdigest()


def is_pdf(data: bytes) -> bool:
    """A PDF by its content: the first bytes are the PDF header, whatever the file is called."""
    return data.startswith(PDF_MAGIC)


def attachment_problem(data: bytes, *, max_bytes: int) -> Message | None:
    """Why an upload is refused, in words for the applicant; None when it is fine."""
    if not data:
        return Message(N_("The file is empty."))
    if len(data) > max_bytes:
        return Message(N_("The file is %(size).1f MB; the limit is %(limit).0f MB."),
                       size=len(data) / MEGABYTE, limit=max_bytes / MEGABYTE)
    if not is_pdf(data):
        return Message(N_("Upload a PDF file: this file is not a PDF, whatever its name says."))
    return None


def safe_filename(name: str | None) -> str:
    """A download name from the uploader's: no folders, no odd characters, ending in .pdf."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = _UNSAFE_CHARACTERS.sub("_", base).strip(" ._")
    if not cleaned:
        return DEFAULT_FILENAME
    if not cleaned.lower().endswith(".pdf"):
        cleaned += ".pdf"
    if len(cleaned) > MAX_FILENAME_LENGTH:
        cleaned = cleaned[: MAX_FILENAME_LENGTH - 4].rstrip(" ._") + ".pdf"
    return cleaned


def missing_attachments(required: Sequence[Mapping], uploaded_kinds: Iterable[str]) -> list[dict]:
    """The call's mandatory documents that have no upload yet, in the call's order."""
    uploaded = set(uploaded_kinds)
    return [dict(item) for item in required
            if item.get("mandatory", True) and item["code"] not in uploaded]


def submit_blockers(report: Mapping, required: Sequence[Mapping], uploaded_kinds: Iterable[str],
                    *, needs_bid_price: bool = False, has_bid_price: bool = True) -> list[str]:
    """Every reason a submit is refused, each saying what to do; empty when it may go."""
    blockers = [check["message"] for check in report.get("checks", []) if not check["passed"]]
    if "checks" not in report:
        blockers.append(Message(
            N_("The eligibility checks have not run yet: save the application once.")))
    blockers.extend(Message(N_("Upload the %(document)s (PDF)."), document=item["name"])
                    for item in missing_attachments(required, uploaded_kinds))
    if needs_bid_price and not has_bid_price:
        blockers.append(Message(N_("Enter the bid price of the tender.")))
    return blockers


def deadline_passed(closes_at: datetime, now: datetime) -> bool:
    """A call is open until just before closes_at: a submit at closes_at itself is late."""
    return now >= closes_at
