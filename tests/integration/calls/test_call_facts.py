"""The call page and the call document (PDF) say everything an applicant needs, in human
words and from one source: funding rates per kind of organisation, indirect costs,
pre-financing, retention and the payment ceiling, ICT categories, strategic areas and the
documents to attach."""

import io
import re

from pypdf import PdfReader

EXPECTED = (
    "100 % of eligible costs; Private for-profit company: 70 %",
    "25 % of direct costs other than subcontracting, added to the eligible costs",
    "30 % of the grant at signature, less the retention of 5 % (paid back with the balance)",
    "2 interim payments after approved claims; pre-financing and interim payments together "
    "stay within 85 % of the grant",
    "Broadband connectivity and Web content management",
    "Rural areas and Tourism",
    "Technical annex and Letters of support (optional)",
)


def _words(text: str) -> str:
    return " ".join(text.split())


def test_page_and_pdf_give_the_same_facts_in_human_words(client, make_call):
    call = make_call(
        funding_rates={"default": "1.00", "by_org_type": {"PRC": "0.70"}},
        payment_model={"prefinancing_rate": "0.30", "retention_rate": "0.05",
                       "interim_count": 2, "ceiling_rate": "0.85"},
        ict_categories=["broadband", "web_content_management"],
        strategic_areas=["Rural areas", "Tourism"],
        required_attachments=[
            {"code": "technical_annex", "name": "Technical annex", "mandatory": True},
            {"code": "letters", "name": "Letters of support", "mandatory": False}])
    page = client.get(f"/calls/{call.reference}").get_data(as_text=True)
    facts = _words(re.sub(r"<[^>]+>", " ", page[page.index('id="key-facts"'):
                                                page.index("</dl>")]))
    pdf = client.get(f"/calls/{call.reference}/call.pdf").data
    text = _words(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    for expected in EXPECTED:
        assert expected in facts, expected
        assert expected in text, expected
    for code in ("web_content_management", "PRC", "0.70"):
        assert code not in facts and code not in text
