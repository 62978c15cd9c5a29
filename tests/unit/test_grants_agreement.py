"""Grant agreement arithmetic: dates, periods, awarded and beneficiary amounts, ICT plan."""

from datetime import date
from decimal import Decimal

import pytest

from app.calls.rules.finance import PaymentModel
from app.grants.rules.agreement import (
    AgreementError,
    PlanLine,
    beneficiary_amounts,
    check_awarded,
    default_end_date,
    duration_in_months,
    effective_funding_rate,
    ict_plan,
    period_not_started,
    reporting_periods,
)
from app.grants.rules.payments import payment_schedule

D = Decimal


@pytest.mark.parametrize(("start", "months", "end"), [
    (date(2026, 1, 1), 12, date(2026, 12, 31)),
    (date(2026, 1, 1), 24, date(2027, 12, 31)),
    (date(2026, 1, 31), 1, date(2026, 2, 27)),  # 31 Jan + 1 month = 28 Feb, less a day
    (date(2024, 3, 15), 6, date(2024, 9, 14)),
])
def test_default_end_date(start, months, end):
    assert default_end_date(start, months) == end


@pytest.mark.parametrize(("start", "end", "months"), [
    (date(2026, 1, 1), date(2026, 12, 31), 12),
    (date(2026, 1, 1), date(2027, 12, 31), 24),
    (date(2026, 1, 15), date(2026, 2, 14), 1),
    (date(2026, 1, 15), date(2026, 3, 13), 1),  # one day short of two months
    (date(2026, 1, 31), date(2026, 2, 27), 1),
    (date(2024, 3, 15), date(2024, 9, 14), 6),
])
def test_duration_in_months(start, end, months):
    assert duration_in_months(start, end) == months


@pytest.mark.parametrize(("start", "end", "message"), [
    (date(2026, 2, 1), date(2026, 1, 31), "before the start"),
    (date(2026, 1, 1), date(2026, 1, 20), "at least one month"),
])
def test_duration_refuses_impossible_dates(start, end, message):
    with pytest.raises(AgreementError, match=message) as error:
        duration_in_months(start, end)
    assert error.value.field == "end_date"


@pytest.mark.parametrize(("months", "interims", "ends"), [
    (24, 1, [date(2026, 12, 31), date(2027, 12, 31)]),
    (12, 0, [date(2026, 12, 31)]),
    (18, 2, [date(2026, 6, 30), date(2026, 12, 31), date(2027, 6, 30)]),
    (10, 2, [date(2026, 3, 31), date(2026, 6, 30), date(2026, 10, 31)]),
])
def test_reporting_periods(months, interims, ends):
    start = date(2026, 1, 1)
    periods = reporting_periods(start, months, interims)
    assert [p.end for p in periods] == ends
    assert [p.number for p in periods] == list(range(1, interims + 2))
    assert [p.is_final for p in periods] == [False] * interims + [True]
    assert periods[0].start == start
    for before, after in zip(periods, periods[1:], strict=False):
        assert (after.start - before.end).days == 1


@pytest.mark.parametrize(("months", "interims"), [(24, 1), (18, 2), (10, 2), (7, 3)])
def test_interim_payments_fall_due_the_day_after_their_period(months, interims):
    start = date(2026, 1, 1)
    model = PaymentModel(interim_count=interims)
    schedule = payment_schedule(D("100000.00"), model, start=start, duration_months=months)
    periods = reporting_periods(start, months, interims)
    for period, installment in zip(periods, schedule[1:], strict=True):
        assert (installment.due_date - period.end).days == 1


@pytest.mark.parametrize(("awarded", "requested", "result", "message"), [
    ("125000.00", D("125000.00"), D("125000.00"), None),
    ("100,000.50", D("125000.00"), D("100000.50"), None),
    ("125000.01", D("125000.00"), None, "cannot exceed the requested 125,000.00"),
    ("0", D("125000.00"), None, "must be positive"),
    ("12,50", D("125000.00"), None, "digits with a dot"),
    ("1.005", D("125000.00"), None, "at most 2 decimals"),
])
def test_check_awarded(awarded, requested, result, message):
    if message:
        with pytest.raises(AgreementError, match=message) as error:
            check_awarded(awarded, requested)
        assert error.value.field == "awarded_amount"
    else:
        assert check_awarded(awarded, requested) == result


REQUESTED = {"1": D("75000.00"), "2": D("50000.00")}


@pytest.mark.parametrize(("awarded", "entered", "expected"), [
    (D("125000.00"), None, {"1": D("75000.00"), "2": D("50000.00")}),
    (D("100000.00"), None, {"1": D("60000.00"), "2": D("40000.00")}),
    (D("100000.01"), None, {"1": D("60000.01"), "2": D("40000.00")}),
    (D("100000.00"), {"1": None, "2": None}, {"1": D("60000.00"), "2": D("40000.00")}),
    (D("100000.00"), {"1": "70000.00", "2": "30000"}, {"1": D("70000.00"), "2": D("30000.00")}),
])
def test_beneficiary_amounts(awarded, entered, expected):
    amounts = beneficiary_amounts(awarded, REQUESTED, entered)
    assert amounts == expected
    assert sum(amounts.values()) == awarded


@pytest.mark.parametrize(("entered", "message", "field"), [
    ({"1": "70000.00", "2": None}, "every beneficiary, or none", "beneficiary_2"),
    ({"1": "80000.00", "2": "20000.00"}, "More than the 75,000.00", "beneficiary_1"),
    ({"1": "60000.00", "2": "30000.00"}, "add up to 90,000.00", "awarded_amount"),
    ({"1": "abc", "2": "30000.00"}, "digits with a dot", "beneficiary_1"),
])
def test_beneficiary_amounts_refused(entered, message, field):
    with pytest.raises(AgreementError, match=message) as error:
        beneficiary_amounts(D("100000.00"), REQUESTED, entered)
    assert error.value.field == field


@pytest.mark.parametrize(("requested", "message"), [
    ({}, "no beneficiary"), ({"1": D("0.00")}, "No beneficiary requested")])
def test_beneficiary_amounts_need_requests(requested, message):
    with pytest.raises(AgreementError, match=message):
        beneficiary_amounts(D("1.00"), requested)


@pytest.mark.parametrize(("awarded", "eligible", "rate"), [
    (D("125000.00"), D("125000.00"), D("1.000000")),
    (D("87.50"), D("125.00"), D("0.700000")),
    (D("100.00"), D("300.00"), D("0.333333")),  # rounded down, never up
    (D("100.00"), D("0.00"), D("1")),
    (D("200.00"), D("100.00"), D("1")),
])
def test_effective_funding_rate(awarded, eligible, rate):
    assert effective_funding_rate(awarded, eligible) == rate


def test_ict_plan_with_open_source_shares():
    lines = [PlanLine("1", "broadband", False, D("40000.00")),
             PlanLine("1", "web_content_management", True, D("20000.00")),
             PlanLine("2", "web_content_management", False, D("20000.00")),
             PlanLine("2", "cloud_software", True, D("10000.00"))]
    rows, total = ict_plan(lines)
    table = [(r.ict_category, r.amount, r.open_source_amount, r.open_source_share) for r in rows]
    assert table == [
        ("broadband", D("40000.00"), D("0.00"), D("0.0000")),
        ("cloud_software", D("10000.00"), D("10000.00"), D("1.0000")),
        ("web_content_management", D("40000.00"), D("20000.00"), D("0.5000")),
    ]
    assert (total.amount, total.open_source_amount, total.open_source_share) == (
        D("90000.00"), D("30000.00"), D("0.3333"))


def test_ict_plan_of_nothing():
    rows, total = ict_plan([])
    assert rows == () and total.amount == D("0.00") and total.open_source_share == D("0.0000")


def test_a_period_is_claimed_from_its_first_day_not_before():
    second = reporting_periods(date(2026, 1, 1), 24, 1)[1]
    assert period_not_started(second, date(2026, 12, 31)) == (
        "Reporting period 2 starts on 01 Jan 2027: its claim can be submitted from that day.")
    assert period_not_started(second, date(2027, 1, 1)) is None
