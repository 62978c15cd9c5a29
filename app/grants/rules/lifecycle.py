"""Statuses of grants, claims, installments and disbursements, and their allowed moves (pure)."""

from collections.abc import Mapping
from enum import StrEnum


class GrantStatus(StrEnum):
    PREPARED = "prepared"  # drafted by the programme officer
    ACCEPTED = "accepted"  # accepted by the coordinator
    SIGNED = "signed"  # signed by the programme officer: the schedule exists
    ACTIVE = "active"  # money has been paid
    CLOSED = "closed"  # the final payment is made

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class InstallmentStatus(StrEnum):
    PLANNED = "planned"  # waits for its condition (a signature, an approved claim)
    PAYABLE = "payable"
    PAID = "paid"
    NOTHING_TO_PAY = "nothing_to_pay"  # an approved claim left nothing to pay

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class DisbursementStatus(StrEnum):
    EXECUTED = "executed"
    CANCELLED = "cancelled"  # reversed by a later reversal record
    REVERSAL = "reversal"  # the negative record that cancels an executed payment

    @property
    def label(self) -> str:
        return self.value.capitalize()


class BankAccountStatus(StrEnum):
    PENDING = "pending"  # entered by the beneficiary, waits for a finance officer
    CONFIRMED = "confirmed"  # the account payments go to
    REPLACED = "replaced"  # was confirmed, a newer account was confirmed after it
    REJECTED = "rejected"  # refused by a finance officer
    WITHDRAWN = "withdrawn"  # a newer change was entered before this one was decided

    @property
    def label(self) -> str:
        return self.value.capitalize()


class BatchStatus(StrEnum):
    OPEN = "open"  # being gathered; its file can be downloaded; it can still change
    EXECUTED = "executed"  # the bank executed it: its payments are recorded, it never changes

    @property
    def label(self) -> str:
        return self.value.capitalize()


# payments.InstallmentKind values, as people write them.
INSTALLMENT_KIND_LABELS: Mapping[str, str] = {
    "prefinancing": "Pre-financing", "interim": "Interim payment", "final": "Final payment"}

GRANT_MOVES: Mapping[str, frozenset[str]] = {
    GrantStatus.PREPARED: frozenset({GrantStatus.ACCEPTED}),
    GrantStatus.ACCEPTED: frozenset({GrantStatus.SIGNED}),
    GrantStatus.SIGNED: frozenset({GrantStatus.ACTIVE}),
    GrantStatus.ACTIVE: frozenset({GrantStatus.CLOSED}),
    # A reversed final payment reopens the grant.
    GrantStatus.CLOSED: frozenset({GrantStatus.ACTIVE}),
}

CLAIM_MOVES: Mapping[str, frozenset[str]] = {
    ClaimStatus.DRAFT: frozenset({ClaimStatus.SUBMITTED}),
    ClaimStatus.SUBMITTED: frozenset({ClaimStatus.APPROVED, ClaimStatus.REJECTED}),
    ClaimStatus.APPROVED: frozenset({ClaimStatus.PAID}),
    ClaimStatus.REJECTED: frozenset(),
    # A reversed payment makes the approved claim payable again.
    ClaimStatus.PAID: frozenset({ClaimStatus.APPROVED}),
}

INSTALLMENT_MOVES: Mapping[str, frozenset[str]] = {
    InstallmentStatus.PLANNED: frozenset({InstallmentStatus.PAYABLE,
                                          InstallmentStatus.NOTHING_TO_PAY}),
    InstallmentStatus.PAYABLE: frozenset({InstallmentStatus.PAID}),
    InstallmentStatus.PAID: frozenset({InstallmentStatus.PAYABLE}),
    InstallmentStatus.NOTHING_TO_PAY: frozenset(),
}

# Claims that count as made for their period: a rejected claim may be made again.
LIVE_CLAIM_STATUSES = frozenset({ClaimStatus.DRAFT, ClaimStatus.SUBMITTED,
                                 ClaimStatus.APPROVED, ClaimStatus.PAID})
# Grants that commit the funder's money.
COMMITTED_GRANT_STATUSES = frozenset({GrantStatus.SIGNED, GrantStatus.ACTIVE,
                                      GrantStatus.CLOSED})


class InvalidMove(ValueError):
    """A status change the lifecycle does not allow."""


def check_move(moves: Mapping[str, frozenset[str]], current: str, target: str,
               thing: str) -> None:
    """Refuse `current -> target` unless the table allows it; the message names both."""
    if current not in moves:
        raise InvalidMove(f"Unknown {thing} status {current!r}.")
    if target not in moves[current]:
        raise InvalidMove(f"A {thing} that is {current.replace('_', ' ')} cannot become "
                          f"{target.replace('_', ' ')}.")
