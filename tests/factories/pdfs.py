"""Real, tiny PDFs built with pypdf when the tests load (nothing is downloaded), and hostile
variants of them: the upload checks parse every file, so test files must be real PDFs."""

from collections.abc import Callable
from io import BytesIO

from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject


def build_pdf(change: Callable[[PdfWriter], None] | None = None) -> bytes:
    """A one-page A4 PDF, after `change` (if any) has added something to it."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if change is not None:
        change(writer)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _launch_on_open(writer: PdfWriter) -> None:
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})


MINIMAL_PDF = build_pdf()
JAVASCRIPT_PDF = build_pdf(lambda writer: writer.add_open_action(JavaScript("app.alert(1);")))
EMBEDDED_FILE_PDF = build_pdf(lambda writer: writer.add_attachment("run.exe", b"MZ\x90\x00"))
LAUNCH_PDF = build_pdf(_launch_on_open)
# What the review found accepted: an HTML page whose first line is a PDF header.
HTML_WITH_PDF_HEADER = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n"
