"""Grant, claim and installment lifecycles: every allowed move and a refusal for the rest."""

import re

import pytest

from app.grants.rules.lifecycle import (
    CLAIM_MOVES,
    GRANT_MOVES,
    INSTALLMENT_MOVES,
    ClaimStatus,
    GrantStatus,
    InstallmentStatus,
    InvalidMove,
    check_move,
)

TABLES = {"grant": (GRANT_MOVES, GrantStatus), "claim": (CLAIM_MOVES, ClaimStatus),
          "installment": (INSTALLMENT_MOVES, InstallmentStatus)}

ALLOWED = [
    ("grant", "prepared", "accepted"),
    ("grant", "accepted", "signed"),
    ("grant", "signed", "active"),
    ("grant", "active", "closed"),
    ("grant", "closed", "active"),
    ("claim", "draft", "submitted"),
    ("claim", "submitted", "approved"),
    ("claim", "submitted", "rejected"),
    ("claim", "approved", "paid"),
    ("claim", "paid", "approved"),
    ("installment", "planned", "payable"),
    ("installment", "planned", "nothing_to_pay"),
    ("installment", "payable", "paid"),
    ("installment", "paid", "payable"),
]


@pytest.mark.parametrize(("thing", "current", "target"), ALLOWED)
def test_allowed_moves(thing, current, target):
    check_move(TABLES[thing][0], current, target, thing)


def _refused():
    allowed = set(ALLOWED)
    for thing, (_, statuses) in TABLES.items():
        for current in statuses:
            for target in statuses:
                if (thing, current, target) not in allowed:
                    yield thing, current, target


@pytest.mark.parametrize(("thing", "current", "target"), list(_refused()))
def test_every_other_move_is_refused(thing, current, target):
    with pytest.raises(InvalidMove, match=f"A {thing} that is"):
        check_move(TABLES[thing][0], current, target, thing)


@pytest.mark.parametrize(("current", "target", "message"), [
    ("prepared", "signed", "A grant that is prepared cannot become signed."),
    ("active", "prepared", "A grant that is active cannot become prepared."),
])
def test_messages_name_both_statuses(current, target, message):
    with pytest.raises(InvalidMove, match=f"^{re.escape(message)}$"):
        check_move(GRANT_MOVES, current, target, "grant")


def test_unknown_status_is_refused():
    with pytest.raises(InvalidMove, match="Unknown claim status 'lost'"):
        check_move(CLAIM_MOVES, "lost", "paid", "claim")


def test_every_status_has_a_row():
    for moves, statuses in TABLES.values():
        assert set(moves) == set(statuses)
        assert all(target in set(statuses) for targets in moves.values() for target in targets)


@pytest.mark.parametrize(("status", "label"), [
    (GrantStatus.PREPARED, "Prepared"), (ClaimStatus.REJECTED, "Rejected"),
    (InstallmentStatus.NOTHING_TO_PAY, "Nothing to pay")])
def test_labels(status, label):
    assert status.label == label
