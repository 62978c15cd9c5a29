"""The call vocabulary as users read it, in their language (issue 14).

The pure rules keep their English labels (rules/ cannot import Flask-Babel); these lazy
strings carry the same English and are what forms, pages and e-mails show.
tests/unit/test_call_labels.py keeps both in step: a code added to a rule without its
label here fails there.
"""

from flask_babel import lazy_gettext as _l

from app.calls.rules.eligibility_rules import OutsideMembers
from app.calls.rules.finance import INDIRECT_CATEGORY, CostCategory, ICTCategory
from app.calls.rules.lifecycle import CallAction, CallKind, CallStatus, Phase

ICT_CATEGORY_NAMES = {
    ICTCategory.BROADBAND: _l("Broadband connectivity"),
    ICTCategory.ONLINE_COMMUNICATION: _l("Online communication and collaboration"),
    ICTCategory.WEB_CONTENT_MANAGEMENT: _l("Web content management"),
    ICTCategory.E_COMMERCE: _l("E-commerce"),
    ICTCategory.CLOUD_SOFTWARE: _l("Cloud software and services"),
    ICTCategory.OTHER: _l("Other ICT solutions"),
}

COST_CATEGORY_NAMES = {
    CostCategory.PERSONNEL: _l("A. Personnel costs"),
    CostCategory.SUBCONTRACTING: _l("B. Subcontracting costs"),
    CostCategory.TRAVEL: _l("C.1 Travel and subsistence"),
    CostCategory.EQUIPMENT: _l("C.2 Equipment"),
    CostCategory.OTHER_GOODS_WORKS_SERVICES: _l("C.3 Other goods, works and services"),
    CostCategory.OTHER_DIRECT: _l("D. Other cost categories"),
    INDIRECT_CATEGORY: _l("E. Indirect costs"),
}

CALL_STATUS_NAMES = {
    CallStatus.DRAFT: _l("Draft"),
    CallStatus.PUBLISHED: _l("Published"),
    CallStatus.UNDER_EVALUATION: _l("Under evaluation"),
    CallStatus.RESULTS_PUBLISHED: _l("Results published"),
    CallStatus.ARCHIVED: _l("Archived"),
}

CALL_KIND_NAMES = {CallKind.GRANT: _l("Grant call"), CallKind.TENDER: _l("Tender")}

PHASE_NAMES = {
    Phase.FORTHCOMING: _l("Forthcoming"),
    Phase.OPEN: _l("Open"),
    Phase.CLOSED: _l("Closed"),
}

# The buttons of the call page's status changes.
CALL_ACTION_NAMES = {
    CallAction.PUBLISH: _l("Publish"),
    CallAction.UNPUBLISH: _l("Back to draft"),
    CallAction.START_EVALUATION: _l("Start evaluation"),
    CallAction.PUBLISH_RESULTS: _l("Publish results"),
    CallAction.ARCHIVE: _l("Archive"),
}

COUNTRY_GROUP_NAMES = {
    "EU_MS": _l("EU Member States"),
    "HE_ASSOCIATED": _l("Horizon Europe Associated Countries"),
    "CADSES": _l("CADSES area"),
}

OUTSIDE_MEMBERS_NAMES = {
    OutsideMembers.ALLOWED_NOT_COUNTED:
        _l("May take part; count toward no minimum; no funding"),
    OutsideMembers.ALLOWED_FUNDED: _l("May take part and be funded; count toward no minimum"),
    OutsideMembers.NOT_ALLOWED: _l("Not allowed: only the eligible countries may take part"),
}

PROGRAMME_PART_NAMES = {
    "pillar_i": _l("Pillar I (Excellent Science)"),
    "pillar_ii": _l("Pillar II (Global Challenges and European Industrial Competitiveness)"),
    "pillar_iii": _l("Pillar III (Innovative Europe)"),
    "eic_fund": _l("the EIC Fund"),
    "other": _l("another part of Horizon Europe"),
}
