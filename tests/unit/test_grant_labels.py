"""The grant vocabulary users read (app/grants/labels.py) says what the pure rules say in
English: a kind added to the rules without its translatable label fails here."""

from app.grants.labels import (
    AMENDMENT_KIND_NAMES,
    INSTALLMENT_KIND_NAMES,
    INSTALLMENT_STATUS_NAMES,
)
from app.grants.rules.amendments import AMENDMENT_KIND_LABELS
from app.grants.rules.lifecycle import INSTALLMENT_KIND_LABELS, InstallmentStatus
from app.grants.rules.payments import InstallmentKind


def test_installment_kinds_match_the_rules_english():
    assert {code: str(name) for code, name in INSTALLMENT_KIND_NAMES.items()} == dict(
        INSTALLMENT_KIND_LABELS)
    assert set(INSTALLMENT_KIND_NAMES) == {str(kind) for kind in InstallmentKind}


def test_installment_statuses_match_the_rules_english():
    assert {code: str(name) for code, name in INSTALLMENT_STATUS_NAMES.items()} == {
        str(status): status.label.lower() for status in InstallmentStatus}


def test_amendment_kinds_match_the_rules_english():
    assert {code: str(name) for code, name in AMENDMENT_KIND_NAMES.items()} == {
        str(kind): label for kind, label in AMENDMENT_KIND_LABELS.items()}
