"""The footer of every PDF ("Page 1 of 2") is in the document's language: WeasyPrint's page
counters are put where the translation's placeholders stand (app/core/pdf.py)."""

from io import BytesIO

from flask import render_template
from flask_babel import force_locale
from pypdf import PdfReader

from app.core.pdf import _css_string, html_to_pdf, page_numbers_css
from tests.integration.pseudo_language import pseudo_german


def _footer_text(locale: str) -> str:
    with force_locale(locale):  # as a job writes a receipt in its reader's language
        html = render_template("pdf/base.html", page_numbers=page_numbers_css())
    pdf = PdfReader(BytesIO(html_to_pdf(html)))
    return " ".join(pdf.pages[0].extract_text().split())


def test_the_page_numbers_are_in_the_documents_language(app, monkeypatch, tmp_path_factory):
    pseudo_german(app, monkeypatch, tmp_path_factory, ("app/core/pdf.py",))
    assert "⟪Page 1 of 1⟫" in _footer_text("de")
    assert "Page 1 of 1" in _footer_text("en") and "⟪" not in _footer_text("en")


def test_a_translation_cannot_break_out_of_the_css_string():
    assert _css_string('a "b" \\ </style>') == r'a \22 b\22  \5c  \3c /style\3e '
