"""The directory's words for the eligibility checks, in the reader's language (issue 14).

The pure rule (rules/suggestions.CHECK_LABELS) keeps the English; these lazy strings carry
the same English for the suggestions page, and tests/unit/test_directory_labels.py keeps both
in step.
"""

from flask_babel import lazy_gettext as _l

from app.applications.rules.eligibility_report import CheckCode

CHECK_NAMES = {
    CheckCode.ELIGIBLE_COUNTRIES: _l("Eligible countries"),
    CheckCode.MIN_PARTNERS: _l("Number of partners"),
    CheckCode.INDEPENDENCE: _l("Independent partners"),
    CheckCode.MIN_COUNTRIES: _l("Number of countries"),
    CheckCode.MIN_MEMBER_STATE_PARTNERS: _l("Partners in EU Member States"),
    CheckCode.MIN_RESEARCH_PARTNERS: _l("Research organisations"),
    CheckCode.MIN_SME_PARTNERS: _l("SMEs"),
    CheckCode.MIN_FIRM_PARTNERS: _l("Companies"),
    CheckCode.MIN_FIELDS_OF_SCIENCE: _l("Fields of science"),
    CheckCode.MAX_REQUESTED_PER_PROPOSAL: _l("Maximum requested"),
    CheckCode.MAX_PARTNER_SHARE: _l("Share of one partner"),
}
