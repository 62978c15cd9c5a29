"""Grant amendments (pure): who agrees to what, and what the shares and the plan become.

An amendment is agreed by the two sides of a grant: the funder's programme officer and the
consortium's coordinator. One side proposes, the other accepts or refuses; the side that
proposed may withdraw it until then. Each accepted amendment is a new version of the grant.

Money rules (issue 12): the grant total never changes here; no share ever goes below its
floor — what the beneficiary was paid, plus what payable installments promise it — so the
per-beneficiary ceiling (CHECK disbursed <= awarded) keeps holding after any amendment.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from app.grants.rules.payments import split_between_beneficiaries

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# The agreement as signed is version 1; each accepted amendment makes the next one.
FIRST_VERSION = 1


class AmendmentKind(StrEnum):
    BENEFICIARY_TRANSFER = "beneficiary_transfer"
    CATEGORY_TRANSFER = "category_transfer"
    BENEFICIARY_ADDED = "beneficiary_added"
    BENEFICIARY_LEAVING = "beneficiary_leaving"
    END_DATE = "end_date"

    @property
    def label(self) -> str:
        return AMENDMENT_KIND_LABELS[self]


AMENDMENT_KIND_LABELS = {
    AmendmentKind.BENEFICIARY_TRANSFER: "Budget transfer between beneficiaries",
    AmendmentKind.CATEGORY_TRANSFER: "Budget transfer between cost categories",
    AmendmentKind.BENEFICIARY_ADDED: "Beneficiary added",
    AmendmentKind.BENEFICIARY_LEAVING: "Beneficiary leaving",
    AmendmentKind.END_DATE: "New end date",
}


class AmendmentStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"proposed": "Proposed, awaiting the other side", "accepted": "Accepted",
                "refused": "Refused", "withdrawn": "Withdrawn"}[self.value]


class Side(StrEnum):
    """The two parties of a grant agreement."""

    FUNDER = "funder"  # the funder's programme officer
    CONSORTIUM = "consortium"  # the coordinator

    @property
    def label(self) -> str:
        return "programme officer" if self is Side.FUNDER else "coordinator"


class AmendmentError(ValueError):
    """An amendment that cannot be; `field` names the form field concerned."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class ShareState:
    """One beneficiary before the amendment: its share in force and its floor (paid +
    promised by payable installments), in cents."""

    name: str
    share: Decimal
    floor: Decimal
    active: bool = True  # False once it left the grant


def check_decision(proposed_by: Side, acting: Side, *, withdraw: bool) -> None:
    """Withdrawing is for the side that proposed; accepting or refusing for the other."""
    if withdraw and acting != proposed_by:
        raise AmendmentError(f"Only the {proposed_by.label} who proposed it may withdraw it.")
    if not withdraw and acting == proposed_by:
        raise AmendmentError(f"The other side — the {_other(proposed_by).label} — accepts or"
                             " refuses this amendment, not the side that proposed it.")


def _other(side: Side) -> Side:
    return Side.CONSORTIUM if side is Side.FUNDER else Side.FUNDER


def _positive(amount: Decimal, field: str) -> Decimal:
    if amount is None or amount <= 0:
        raise AmendmentError("Enter an amount above zero.", field=field)
    if amount != amount.quantize(CENT):
        raise AmendmentError("Enter the amount in cents at most.", field=field)
    return amount


def _active(shares: Mapping[str, ShareState], key: str, field: str) -> ShareState:
    state = shares.get(key)
    if state is None or not state.active:
        raise AmendmentError("Choose a current beneficiary of this grant.", field=field)
    return state


def movable(state: ShareState) -> Decimal:
    """What can still leave a beneficiary's share: what it was neither paid nor promised."""
    return max(state.share - state.floor, ZERO)


def _take(state: ShareState, amount: Decimal, field: str) -> Decimal:
    if amount > movable(state):
        raise AmendmentError(
            f"{state.name} has {movable(state):,.2f} of its share of {state.share:,.2f} left to"
            f" move: {state.floor:,.2f} was already paid to it or is payable, and a share never"
            " goes below that.", field=field)
    return state.share - amount


def transfer_between(shares: Mapping[str, ShareState], giver: str, receiver: str,
                     amount: Decimal) -> dict[str, Decimal]:
    """New shares after moving `amount` of `giver`'s share to `receiver`."""
    _positive(amount, "amount")
    giving = _active(shares, giver, "giver")
    _active(shares, receiver, "receiver")
    if giver == receiver:
        raise AmendmentError("Choose two different beneficiaries.", field="receiver")
    new = {key: state.share for key, state in shares.items()}
    new[giver] = _take(giving, amount, "amount")
    new[receiver] += amount
    return new


def leaving(shares: Mapping[str, ShareState], leaver: str,
            to: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """New shares when `leaver` leaves: its share drops to its floor, and its unpaid share
    goes to the others exactly as `to` states (each amount 0 or more, summing to it)."""
    state = _active(shares, leaver, "leaver")
    freed = movable(state)
    given = {key: amount or ZERO for key, amount in to.items()}
    for key, amount in given.items():
        if amount < 0 or amount != amount.quantize(CENT):
            raise AmendmentError("Enter each amount in cents, 0 or more.", field=f"to_{key}")
        if amount and (key == leaver or key not in shares or not shares[key].active):
            raise AmendmentError("Its share can only go to a beneficiary that stays.",
                                 field=f"to_{key}")
    if sum(given.values(), ZERO) != freed:
        raise AmendmentError(
            f"{state.name}'s unpaid share of {freed:,.2f} must go to the others in full: the"
            f" amounts add up to {sum(given.values(), ZERO):,.2f}.", field="leaver")
    if freed and not any(given.values()):
        raise AmendmentError("Say who takes over its unpaid share.", field="leaver")
    new = {key: s.share + given.get(key, ZERO) for key, s in shares.items()}
    new[leaver] = state.share - freed
    return new


def added(shares: Mapping[str, ShareState], newcomer: str,
          taken_from: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """New shares when `newcomer` joins with what it takes from the others' unpaid shares."""
    if newcomer in shares:
        raise AmendmentError("This organisation is already a beneficiary of the grant.",
                             field="organisation")
    new = {key: state.share for key, state in shares.items()}
    for key, amount in taken_from.items():
        if not amount:
            continue
        if amount < 0:
            raise AmendmentError("Enter each amount 0 or more.", field=f"from_{key}")
        new[key] = _take(_active(shares, key, f"from_{key}"), amount, f"from_{key}")
    new[newcomer] = sum((amount or ZERO for amount in taken_from.values()), ZERO)
    if new[newcomer] <= 0:
        raise AmendmentError("The new beneficiary needs a share: say what it takes from whom.",
                             field="organisation")
    return new


def check_new_shares(shares: Mapping[str, ShareState], new: Mapping[str, Decimal],
                     total: Decimal) -> None:
    """The last word on any new set of shares: same total, nobody below its floor."""
    if sum(new.values(), ZERO) != total:
        raise AmendmentError(f"The shares add up to {sum(new.values(), ZERO):,.2f}, not the"
                             f" grant's {total:,.2f}; an amendment does not change the total.")
    for key, amount in new.items():
        state = shares.get(key)
        floor = state.floor if state else ZERO
        if amount < floor:
            name = state.name if state else "The new beneficiary"
            raise AmendmentError(f"{name}'s share would be {amount:,.2f}, below the {floor:,.2f}"
                                 " already paid to it or payable.")


def scaled_plan(lines: Mapping[str, Decimal], old_share: Decimal,
                new_share: Decimal) -> dict[str, Decimal]:
    """A beneficiary's planned costs (line -> amount) scaled with its share, exact to the
    cent, so that what it may earn follows what it may be paid. Unchanged from a zero share."""
    total = sum(lines.values(), ZERO)
    if not old_share or not total or old_share == new_share:
        return dict(lines)
    new_total = (total * new_share / old_share).quantize(CENT)
    return split_between_beneficiaries(new_total, lines)


def category_transfer(lines: Mapping[str, tuple[str, Decimal]], accepted: Mapping[str, Decimal],
                      source: str, target: str, amount: Decimal) -> dict[str, Decimal]:
    """Move `amount` of planned costs from category `source` to `target`, within one
    beneficiary. `lines`: line -> (category, amount). Returns what each `source` line loses
    (in proportion to it); the category keeps at least the costs already accepted in it."""
    _positive(amount, "amount")
    if source == target:
        raise AmendmentError("Choose two different cost categories.", field="target")
    in_source = {key: value for key, (code, value) in lines.items() if code == source and value}
    planned = sum(in_source.values(), ZERO)
    spent = accepted.get(source, ZERO)
    if amount > planned - spent:
        raise AmendmentError(
            f"At most {max(planned - spent, ZERO):,.2f} can leave this category: it plans"
            f" {planned:,.2f} and {spent:,.2f} of it was already accepted in claims.",
            field="amount")
    return split_between_beneficiaries(amount, in_source)


def check_end_date(start: date, current_end: date, new_end: date, today: date) -> None:
    if new_end == current_end:
        raise AmendmentError("This is already the end date.", field="end_date")
    if new_end <= start:
        raise AmendmentError("The end date must be after the start date.", field="end_date")
    if new_end < today:
        raise AmendmentError("The new end date cannot be in the past.", field="end_date")


def shares_in_force(versions: Iterable[tuple[int, date, Mapping[str, Decimal]]],
                    on: date) -> tuple[int, dict[str, Decimal]] | None:
    """The version (number, shares) in force on `on`: the highest one valid from then.
    None before the first version took effect (or when there is none)."""
    best = None
    for number, valid_from, shares in versions:
        if valid_from <= on and (best is None or number > best[0]):
            best = (number, dict(shares))
    return best
