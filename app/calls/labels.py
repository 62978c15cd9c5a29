"""The call vocabulary as users read it, in their language (issue 14).

The pure rules keep their English labels (rules/ cannot import Flask-Babel); these lazy
strings carry the same English and are what forms, pages and e-mails show.
tests/unit/test_call_labels.py keeps both in step: a code added to a rule without its
label here fails there.
"""

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

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

# Tie-break rules (rules/criteria.TIE_BREAKS): the name, then what it does.
TIE_BREAK_TEXTS = {
    "uncovered_area": (
        _l("Part of the call not yet covered"),
        _l("A proposal covering a part of the call that no higher-ranked proposal covers "
           "comes first.")),
    "excellence_then_impact": (
        _l("Excellence, then Impact"),
        _l("The higher Excellence score comes first; if equal, the higher Impact score.")),
    "impact_then_excellence": (
        _l("Impact, then Excellence"),
        _l("The higher Impact score comes first; if equal, the higher Excellence score.")),
    "gender_balance": (
        _l("Gender balance"),
        _l("The proposal whose named key personnel are closer to 50/50 comes first.")),
    "new_countries_then_budget": (
        _l("Geographical diversity, then budget"),
        _l("More countries not already funded higher up comes first; if equal, the lower "
           "requested grant.")),
    "panel_decision": (
        _l("Panel decision"),
        _l("The panel orders the proposals still tied and records its reason.")),
}

# The editors' presets (rules/eligibility_rules.RULE_PRESETS, rules/criteria.CRITERIA_PRESETS).
RULE_PRESET_TEXTS = {
    "horizon_europe": (
        _l("Horizon Europe standard"),
        _l("Regulation (EU) 2021/695, Art. 22(2): at least 3 independent entities from 3 "
           "different Member States or Associated Countries, at least one in a Member State; "
           "entities from elsewhere may take part but count toward no minimum (Art. 22(1)).")),
    "ict_aggregation": (
        _l("Transnational ICT aggregation"),
        _l("Firms and research organisations from at least 2 EU countries working across "
           "at least 2 fields of science; only EU organisations may take part.")),
    "interreg_central_europe": (
        _l("Interreg CENTRAL EUROPE"),
        _l("At least 3 financing partners from at least 3 countries. The programme also asks "
           "for at least 2 partners in the programme area, which has no country group yet: "
           "check it by hand.")),
}

CRITERIA_PRESET_TEXTS = {
    "horizon_europe_ria": (
        _l("Horizon Europe – Research and Innovation Action"),
        _l("Excellence, Impact and Implementation scored 0–5 in half points; thresholds 3 "
           "each and 10 overall; 3 experts.")),
    "horizon_europe_ia": (
        _l("Horizon Europe – Innovation Action"),
        _l("As for Research and Innovation Actions, but Impact counts 1.5 times for ranking "
           "and decides ties before Excellence.")),
    "tender_price_quality_70_30": (
        _l("Tender – 70 % quality, 30 % price"),
        _l("Technical merit (40) and delivery plan (30) scored by experts, price (30) by "
           "formula.")),
}


def in_language(rules: Mapping[str, Any], texts: Mapping[str, tuple]) -> dict[str, Any]:
    """Presets or tie-breaks as the rules define them, with their label and description in
    the reader's language (lazy: made once, read in each request's language)."""
    return {code: replace(rule, label=texts[code][0], description=texts[code][1])
            for code, rule in rules.items()}
