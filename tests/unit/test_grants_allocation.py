"""Booking each paid cent to a beneficiary and an ICT category."""

from decimal import Decimal

import pytest

from app.grants.rules.allocation import UNPLANNED_ICT, allocate_payment, reverse_allocation

D = Decimal


@pytest.mark.parametrize(("amount", "beneficiaries", "ict", "expected"), [
    # In proportion to the awarded amounts, then to each one's ICT plan.
    ("100.00", {"1": D("60"), "2": D("40")},
     {"1": {"broadband": D("3"), "web": D("1")}, "2": {"cloud": D("1")}},
     {("1", "broadband"): D("45.00"), ("1", "web"): D("15.00"), ("2", "cloud"): D("40.00")}),
    # Cents left over go to the largest remainders: the parts still add up.
    ("0.10", {"1": D("1"), "2": D("1"), "3": D("1")},
     {"1": {"a": D("1")}, "2": {"a": D("1")}, "3": {"a": D("1")}},
     {("1", "a"): D("0.04"), ("2", "a"): D("0.03"), ("3", "a"): D("0.03")}),
    # No ICT plan: booked to "other".
    ("50.00", {"1": D("1")}, {}, {("1", UNPLANNED_ICT): D("50.00")}),
    # Zero weights in the plan count as no plan.
    ("50.00", {"1": D("1")}, {"1": {"a": D("0")}}, {("1", UNPLANNED_ICT): D("50.00")}),
    # A beneficiary without a share gets nothing and no row.
    ("10.00", {"1": D("1"), "2": D("0")}, {"1": {"a": D("1")}, "2": {"b": D("1")}},
     {("1", "a"): D("10.00")}),
    # A category too small to receive a cent leaves no zero row.
    ("0.01", {"1": D("1")}, {"1": {"a": D("1000"), "b": D("1")}}, {("1", "a"): D("0.01")}),
], ids=["proportional", "largest-remainder", "no-plan", "zero-plan", "zero-share",
        "no-zero-rows"])
def test_allocate_payment(amount, beneficiaries, ict, expected):
    parts = allocate_payment(D(amount), beneficiaries, ict)
    assert parts == expected
    assert sum(parts.values()) == D(amount)


def test_allocation_needs_a_positive_share():
    with pytest.raises(ValueError, match="positive share"):
        allocate_payment(D("1.00"), {"1": D("0")}, {})


def test_reverse_allocation_negates_every_part():
    parts = {("1", "a"): D("10.00"), ("2", "b"): D("0.01")}
    assert reverse_allocation(parts) == {("1", "a"): D("-10.00"), ("2", "b"): D("-0.01")}
    assert sum(reverse_allocation(parts).values()) == -sum(parts.values())
