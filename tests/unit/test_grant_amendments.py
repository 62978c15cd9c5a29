"""Grant amendments (app/grants/rules/amendments.py): shares move, the total and the floors hold.

Figures from issue 12: a beneficiary was paid EUR 75,205.55 against a share of EUR 53,907.20;
an amendment must never make such a share possible, nor lower a share below what was paid.
"""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.grants.rules.amendments import (
    AmendmentError,
    ShareState,
    Side,
    added,
    category_transfer,
    check_decision,
    check_end_date,
    check_new_shares,
    leaving,
    scaled_plan,
    shares_in_force,
    transfer_between,
)

D = Decimal
TOTAL = D("102500.00")


def _shares(**floors):
    """Coordinator 53,907.20 and partner 48,592.80 (together 102,500), with paid floors."""
    return {"coordinator": ShareState("Coordinator", D("53907.20"),
                                      D(floors.get("coordinator", "0.00"))),
            "partner": ShareState("Partner", D("48592.80"), D(floors.get("partner", "0.00")))}


def test_a_transfer_moves_share_and_keeps_the_total():
    new = transfer_between(_shares(), "coordinator", "partner", D("10000.00"))
    assert new == {"coordinator": D("43907.20"), "partner": D("58592.80")}
    check_new_shares(_shares(), new, TOTAL)


def test_a_share_never_goes_below_what_was_paid():
    shares = _shares(coordinator="50000.00")
    with pytest.raises(AmendmentError, match="3,907.20 of its share") as refused:
        transfer_between(shares, "coordinator", "partner", D("5000.00"))
    assert refused.value.field == "amount"
    assert transfer_between(shares, "coordinator", "partner", D("3907.20"))["coordinator"] == \
        D("50000.00")


def test_the_last_check_refuses_a_share_below_its_floor_or_a_new_total():
    # The overpayment: 75,205.55 paid against 53,907.20 — no amendment may hide it.
    shares = _shares(coordinator="75205.55")
    with pytest.raises(AmendmentError, match="below the 75,205.55"):
        check_new_shares(shares, {"coordinator": D("53907.20"), "partner": D("48592.80")}, TOTAL)
    with pytest.raises(AmendmentError, match="does not change the total"):
        check_new_shares(_shares(), {"coordinator": D("53907.20"), "partner": D("48592.81")},
                         TOTAL)


def test_transfers_need_two_current_beneficiaries_and_a_positive_amount():
    with pytest.raises(AmendmentError, match="two different"):
        transfer_between(_shares(), "partner", "partner", D("1.00"))
    with pytest.raises(AmendmentError, match="above zero"):
        transfer_between(_shares(), "coordinator", "partner", D("0.00"))
    gone = {**_shares(), "partner": ShareState("Partner", D("48592.80"), D(0), active=False)}
    with pytest.raises(AmendmentError, match="current beneficiary"):
        transfer_between(gone, "coordinator", "partner", D("1.00"))


def test_a_leaving_beneficiary_keeps_what_it_was_paid_and_its_rest_goes_as_stated():
    shares = {**_shares(partner="20000.00"), "third": ShareState("Third", D("0.00"), D("0.00"))}
    new = leaving(shares, "partner", {"coordinator": D("18592.80"), "third": D("10000.00")})
    assert new == {"coordinator": D("72500.00"), "partner": D("20000.00"), "third": D("10000.00")}
    with pytest.raises(AmendmentError, match="28,592.80 must go to the others in full"):
        leaving(shares, "partner", {"coordinator": D("18592.80")})
    with pytest.raises(AmendmentError, match="only go to a beneficiary that stays"):
        leaving(shares, "partner", {"partner": D("28592.80")})


def test_a_newcomer_takes_its_share_from_the_others_unpaid_shares():
    new = added(_shares(coordinator="50000.00"), "newcomer",
                {"coordinator": D("3907.20"), "partner": D("6092.80")})
    assert new == {"coordinator": D("50000.00"), "partner": D("42500.00"),
                   "newcomer": D("10000.00")}
    with pytest.raises(AmendmentError, match="3,907.20 of its share"):
        added(_shares(coordinator="50000.00"), "newcomer", {"coordinator": D("4000.00")})
    with pytest.raises(AmendmentError, match="needs a share"):
        added(_shares(), "newcomer", {})
    with pytest.raises(AmendmentError, match="already a beneficiary"):
        added(_shares(), "partner", {"coordinator": D("1.00")})


def test_each_side_decides_what_the_other_proposed():
    check_decision(Side.FUNDER, Side.CONSORTIUM, withdraw=False)
    check_decision(Side.FUNDER, Side.FUNDER, withdraw=True)
    with pytest.raises(AmendmentError, match="the coordinator"):
        check_decision(Side.FUNDER, Side.FUNDER, withdraw=False)
    with pytest.raises(AmendmentError, match="Only the coordinator who proposed"):
        check_decision(Side.CONSORTIUM, Side.FUNDER, withdraw=True)


def test_a_category_transfer_keeps_what_was_already_accepted_in_the_category():
    lines = {"1": ("A", D("30000.00")), "2": ("A", D("10000.00")), "3": ("C2", D("5000.00"))}
    assert category_transfer(lines, {}, "A", "C2", D("4000.00")) == {"1": D("3000.00"),
                                                                     "2": D("1000.00")}
    with pytest.raises(AmendmentError, match="At most 15,000.00"):
        category_transfer(lines, {"A": D("25000.00")}, "A", "C2", D("15000.01"))
    with pytest.raises(AmendmentError, match="two different"):
        category_transfer(lines, {}, "A", "A", D("1.00"))


def test_the_plan_follows_the_share_exactly_to_the_cent():
    plan = scaled_plan({"1": D("30000.00"), "2": D("10000.01")}, D("50000.00"), D("60000.00"))
    assert sum(plan.values()) == D("48000.01")
    assert scaled_plan({"1": D("5.00")}, D("0.00"), D("10.00")) == {"1": D("5.00")}


def test_the_end_date_moves_forward_from_today_only():
    check_end_date(date(2026, 1, 1), date(2027, 12, 31), date(2028, 6, 30), date(2026, 11, 29))
    with pytest.raises(AmendmentError, match="already the end date"):
        check_end_date(date(2026, 1, 1), date(2027, 12, 31), date(2027, 12, 31), date(2026, 1, 2))
    with pytest.raises(AmendmentError, match="in the past"):
        check_end_date(date(2026, 1, 1), date(2027, 12, 31), date(2026, 6, 30),
                       date(2026, 11, 29))


def test_the_version_in_force_is_the_latest_valid_on_the_date():
    versions = [(1, date(2026, 1, 1), {"a": D("10")}), (2, date(2026, 6, 1), {"a": D("8")}),
                (3, date(2026, 6, 1), {"a": D("7")})]
    assert shares_in_force(versions, date(2026, 5, 31)) == (1, {"a": D("10")})
    assert shares_in_force(versions, date(2026, 6, 1)) == (3, {"a": D("7")})
    assert shares_in_force(versions, date(2025, 12, 31)) is None


@settings(max_examples=60)
@given(paid=st.integers(0, 5_390_720), moved=st.integers(1, 10_000_000))
def test_no_transfer_ever_puts_a_share_below_its_paid_total(paid, moved):
    shares = _shares(coordinator=str(D(paid).scaleb(-2)))
    try:
        new = transfer_between(shares, "coordinator", "partner", D(moved).scaleb(-2))
    except AmendmentError:
        return
    check_new_shares(shares, new, TOTAL)
    assert new["coordinator"] >= D(paid).scaleb(-2)
