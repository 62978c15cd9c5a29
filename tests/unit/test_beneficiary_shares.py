"""Each beneficiary's own rate and ceiling (app/grants/rules/shares.py; reference.md §3)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.grants.rules.payments import CutReason, OverpaymentError
from app.grants.rules.shares import (
    BeneficiaryPosition,
    assess_by_beneficiary,
    check_beneficiary_payment,
)

D = Decimal
PROFIT = "profit"
NON_PROFIT = "nonprofit"


def _position(rate: str, awarded: str, **kwargs) -> BeneficiaryPosition:
    budget = kwargs.pop("budget", {"A": D("1000000.00")})
    return BeneficiaryPosition(rate=D(rate), awarded=D(awarded), budget_by_category=budget,
                               **kwargs)


def test_a_profit_making_partner_earns_its_own_70_percent_not_the_blended_rate():
    # reference.md §3: innovation actions fund profit-making entities at 70 %. The grant's
    # blended rate (85 %) priced 200,000 of costs at 170,000; its own rate gives 140,000.
    positions = {PROFIT: _position("0.70", "300000.00"),
                 NON_PROFIT: _position("1", "300000.00")}
    result = assess_by_beneficiary({PROFIT: {"A": D("200000.00")}}, positions, is_final=False,
                                   ceiling_rate=D("0.90"), indirect_rate=None)
    assert result.by_beneficiary[PROFIT].contribution == D("140000.00")
    assert result.payable == D("140000.00")
    assert NON_PROFIT not in result.by_beneficiary  # it claimed nothing this period


def test_a_beneficiary_is_never_paid_above_its_awarded_share():
    # Observed: 75,205.55 paid against an awarded share of 53,907.20. At an interim claim it
    # gets at most 90 % of its share (reference.md §3), at the final at most the share itself.
    positions = {"partner": _position("1", "53907.20")}
    claim = {"partner": {"A": D("75205.55")}}
    interim = assess_by_beneficiary(claim, positions, is_final=False, ceiling_rate=D("0.90"),
                                    indirect_rate=None)
    assert interim.payable == D("48516.48")  # 53,907.20 x 90 %, rounded down
    assert [c.reason for c in interim.by_beneficiary["partner"].cuts] == [CutReason.CEILING]
    final = assess_by_beneficiary(claim, positions, is_final=True, ceiling_rate=D("0.90"),
                                  indirect_rate=None)
    assert final.payable == D("53907.20")


def test_one_beneficiary_cannot_use_the_room_of_another():
    positions = {"a": _position("1", "50000.00", paid=D("45000.00")),
                 "b": _position("1", "50000.00")}
    result = assess_by_beneficiary({"a": {"A": D("30000.00")}}, positions, is_final=False,
                                   ceiling_rate=D("0.90"), indirect_rate=None)
    assert result.payable == D("0.00")  # a is at its 45,000 ceiling; b's room is not a's


def test_the_retention_counts_toward_each_beneficiarys_ceiling():
    positions = {"a": _position("1", "100000.00", paid=D("35000.00"), retention=D("5000.00"))}
    result = assess_by_beneficiary({"a": {"A": D("80000.00")}}, positions, is_final=False,
                                   ceiling_rate=D("0.90"), indirect_rate=None)
    assert result.payable == D("50000.00")  # 90,000 - 35,000 paid - 5,000 withheld


def test_a_cut_made_at_an_interim_claim_stays_cut_in_the_balance():
    # 10,000 of accepted costs were cut to 6,000 by the officer at period 1.
    before = {"A": D("10000.00")}
    kept = _position("1", "100000.00", paid=D("6000.00"), accepted_before=before,
                     cut_before=D("4000.00"))
    final = assess_by_beneficiary({"a": {"A": D("20000.00")}}, {"a": kept}, is_final=True,
                                  ceiling_rate=D("0.90"), indirect_rate=None)
    assert final.payable == D("20000.00")  # 30,000 earned - 4,000 cut - 6,000 paid
    forgotten = _position("1", "100000.00", paid=D("6000.00"), accepted_before=before)
    again = assess_by_beneficiary({"a": {"A": D("20000.00")}}, {"a": forgotten},
                                  is_final=True, ceiling_rate=D("0.90"), indirect_rate=None)
    assert again.payable == D("24000.00")  # what the old code paid: the cut came back


def test_the_final_claim_settles_every_beneficiary_and_recovers_from_one_that_was_overpaid():
    positions = {"a": _position("1", "60000.00", paid=D("20000.00")),
                 "b": _position("0.70", "40000.00", paid=D("16000.00"),
                                accepted_before={"A": D("10000.00")})}
    result = assess_by_beneficiary({"a": {"A": D("50000.00")}}, positions, is_final=True,
                                   ceiling_rate=D("0.90"), indirect_rate=None)
    assert result.by_beneficiary["a"].payable == D("30000.00")
    assert result.by_beneficiary["b"].recovery == D("9000.00")  # earned 7,000, paid 16,000
    assert (result.payable, result.recovery) == (D("30000.00"), D("9000.00"))


def test_an_officer_paying_less_splits_the_cut_in_proportion():
    positions = {"a": _position("1", "100000.00"), "b": _position("1", "100000.00")}
    claim = {"a": {"A": D("30000.00")}, "b": {"A": D("10000.00")}}
    result = assess_by_beneficiary(claim, positions, is_final=False, ceiling_rate=D("0.90"),
                                   indirect_rate=None, officer_amount=D("20000.00"),
                                   officer_reason="Invoices missing")
    assert result.parts() == {"a": D("15000.00"), "b": D("5000.00")}
    assert result.computed_payable == D("40000.00")
    with pytest.raises(ValueError, match="cannot exceed the computed 40,000.00"):
        assess_by_beneficiary(claim, positions, is_final=False, ceiling_rate=D("0.90"),
                              indirect_rate=None, officer_amount=D("40000.01"))


def test_costs_of_a_stranger_are_refused():
    with pytest.raises(ValueError, match="outside the grant's beneficiaries"):
        assess_by_beneficiary({"x": {"A": D("1.00")}}, {"a": _position("1", "10.00")},
                              is_final=False, ceiling_rate=D("0.90"), indirect_rate=None)


def test_a_payment_above_a_share_is_refused_with_what_is_left():
    check_beneficiary_payment("Acme", D("53907.20"), D("50000.00"), D("3907.20"))
    with pytest.raises(OverpaymentError, match="above its awarded share of 53,907.20; at most"
                                               " 3,907.20 can still be paid"):
        check_beneficiary_payment("Acme", D("53907.20"), D("50000.00"), D("3907.21"))


cents = st.integers(min_value=0, max_value=10_000_000).map(lambda c: D(c).scaleb(-2))


@settings(max_examples=200, deadline=None)
@given(awarded=st.integers(min_value=1, max_value=10_000_000).map(lambda c: D(c).scaleb(-2)),
       claims=st.lists(cents, min_size=1, max_size=5),
       rate=st.sampled_from(["1", "0.70", "0.5"]),
       officer_share=st.sampled_from([None, D("0.5"), D("0")]))
def test_no_sequence_of_claims_pays_a_beneficiary_above_its_share(awarded, claims, rate,
                                                                  officer_share):
    paid, accepted, cut = D("0.00"), D("0.00"), D("0.00")
    for index, costs in enumerate(claims):
        final = index == len(claims) - 1
        position = _position(rate, str(awarded), paid=paid,
                             accepted_before={"A": accepted} if accepted else {},
                             cut_before=cut)
        computed = assess_by_beneficiary({"a": {"A": costs}}, {"a": position}, is_final=final,
                                         ceiling_rate=D("0.90"), indirect_rate=None)
        officer = (None if officer_share is None
                   else (computed.payable * officer_share).quantize(D("0.01")))
        result = assess_by_beneficiary({"a": {"A": costs}}, {"a": position}, is_final=final,
                                       ceiling_rate=D("0.90"), indirect_rate=None,
                                       officer_amount=officer)
        own = result.by_beneficiary["a"]
        paid += own.payable - own.recovery
        accepted += own.accepted_costs
        cut += sum((c.amount for c in own.cuts if c.reason == CutReason.OFFICER_DECISION),
                   D("0.00"))
        limit = awarded if final else (awarded * D("0.90")).quantize(D("0.01"), "ROUND_DOWN")
        assert D("0.00") <= paid <= limit
