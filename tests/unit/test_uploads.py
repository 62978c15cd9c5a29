"""The PDF content check (pypdf) and the quota message, without a database."""

import pytest

from app.core.uploads import ENCRYPTED, NOT_A_PDF, pdf_problem, quota_problem
from tests.factories.pdfs import (
    EMBEDDED_FILE_PDF,
    HTML_WITH_PDF_HEADER,
    JAVASCRIPT_PDF,
    LAUNCH_PDF,
    MINIMAL_PDF,
    build_pdf,
)


def test_a_plain_pdf_passes_even_with_bytes_after_its_end():
    assert pdf_problem(MINIMAL_PDF) is None
    assert pdf_problem(MINIMAL_PDF + b"% v2\n") is None


@pytest.mark.parametrize("data, words", [
    (JAVASCRIPT_PDF, "contains JavaScript"),
    (LAUNCH_PDF, "contains a launch action"),
    (EMBEDDED_FILE_PDF, "contains an embedded file"),
], ids=["javascript", "launch", "embedded-file"])
def test_active_content_is_refused_and_named(data, words):
    assert words in pdf_problem(data)


def test_javascript_in_a_page_annotation_is_found_too():
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    def link_with_script(writer):
        action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                   NameObject("/JS"): TextStringObject("app.alert(2)")})
        annotation = DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                                       NameObject("/Subtype"): NameObject("/Link"),
                                       NameObject("/A"): action})
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])

    assert "contains JavaScript" in pdf_problem(build_pdf(link_with_script))


@pytest.mark.parametrize("data", [
    HTML_WITH_PDF_HEADER,
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    MINIMAL_PDF[: len(MINIMAL_PDF) // 3],
], ids=["html-with-pdf-header", "no-document", "truncated"])
def test_what_only_looks_like_a_pdf_is_not_one(data):
    assert pdf_problem(data) == NOT_A_PDF


def test_a_password_protected_pdf_cannot_be_checked_and_is_refused():
    assert pdf_problem(build_pdf(lambda writer: writer.encrypt("secret"))) == ENCRYPTED


def test_quota_message_says_what_is_used_and_what_is_allowed():
    mb = 1024 * 1024
    assert quota_problem(used=9 * mb, adding=mb, quota=10 * mb, whose="An application") is None
    assert quota_problem(used=9 * mb, adding=mb + 1, quota=10 * mb, whose="An application") == (
        "An application may store at most 10.0 MB of files; 9.0 MB are used and this file "
        "is 1.0 MB.")
    assert quota_problem(used=10**12, adding=1, quota=0, whose="One user") is None
