"""The grant vocabulary as users read it, in their language (issue 14).

The pure rules keep their English labels (rules/ cannot import Flask-Babel); these lazy
strings carry the same English and are what pages and PDFs show.
"""

from flask_babel import lazy_gettext as _l

# payments.InstallmentKind values (rules/lifecycle.py INSTALLMENT_KIND_LABELS in English).
INSTALLMENT_KIND_NAMES = {
    "prefinancing": _l("Pre-financing"),
    "interim": _l("Interim payment"),
    "final": _l("Final payment"),
}

# InstallmentStatus values in a sentence ("it is nothing to pay"), like its English label.
INSTALLMENT_STATUS_NAMES = {
    "planned": _l("planned"),
    "payable": _l("payable"),
    "paid": _l("paid"),
    "nothing_to_pay": _l("nothing to pay"),
}

# amendments.AmendmentKind values (rules/amendments.py AMENDMENT_KIND_LABELS in English).
AMENDMENT_KIND_NAMES = {
    "beneficiary_transfer": _l("Budget transfer between beneficiaries"),
    "category_transfer": _l("Budget transfer between cost categories"),
    "beneficiary_added": _l("Beneficiary added"),
    "beneficiary_leaving": _l("Beneficiary leaving"),
    "end_date": _l("New end date"),
}
