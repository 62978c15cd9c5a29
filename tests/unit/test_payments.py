"""Payment rules: models, schedules, claim assessment, splits, the overpayment guard."""

import json
from datetime import date
from decimal import Decimal

import pytest

from app.calls.rules.finance import PaymentModel
from app.grants.rules.payments import (
    CutReason,
    InstallmentKind,
    OverpaymentError,
    add_months,
    check_disbursement,
    claim_payable,
    payment_schedule,
    split_between_beneficiaries,
)

D = Decimal
START = date(2024, 1, 31)

# --- payment model ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"prefinancing_rate": D("1.1")}, "between 0 and 1"),
        ({"retention_rate": D("-0.01")}, "between 0 and 1"),
        ({"ceiling_rate": D("1.5")}, "between 0 and 1"),
        ({"prefinancing_rate": D("0.03")}, "pre-financing .3 %. cannot be lower"),
        ({"prefinancing_rate": D("0.95")}, "exceeds the ceiling of 90 %"),
        ({"prefinancing_rate": D("0.40"), "ceiling_rate": D("0.30")}, "exceeds the ceiling"),
        ({"interim_count": 1, "interim_rates": (D("0.2"), D("0.2"))}, "Give 1 interim"),
        ({"interim_count": 2, "interim_rates": (D("0.3"), D("0.3"))}, "add up to 100 %"),
        ({"interim_count": 1, "interim_rates": (D("0.51"),)}, "add up to 91 %"),
        ({"interim_count": -1}, "0 or more"),
        ({"interim_count": True}, "0 or more"),
        ({"prefinancing_rate": D("0.9"), "interim_count": 2}, "no room for interim"),
        ({"interim_count": 1, "interim_rates": (D("2"),)}, "between 0 and 1"),
    ],
    ids=["prefinancing-above-1", "retention-negative", "ceiling-above-1",
         "prefinancing-below-retention", "prefinancing-above-ceiling", "low-ceiling",
         "rates-count-mismatch", "interims-above-ceiling", "one-point-above-ceiling",
         "negative-count", "bool-count", "no-room-for-interims", "interim-rate-above-1"],
)
def test_payment_model_refuses_impossible_models(settings, message):
    with pytest.raises(ValueError, match=message):
        PaymentModel(**settings)


def test_payment_model_refuses_float_rates():
    with pytest.raises(TypeError,
                       match="The pre-financing rate must be a Decimal, str or int, not float."):
        PaymentModel(prefinancing_rate=0.4)


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"prefinancing_rate": D("0.05")},
        {"prefinancing_rate": D("0.9")},
        {"interim_count": 2, "interim_rates": (D("0.25"), D("0.25"))},
        {"prefinancing_rate": D("0"), "retention_rate": D("0"), "ceiling_rate": D("0")},
        {"prefinancing_rate": "0.3", "interim_count": 3},
    ],
    ids=["defaults", "prefinancing-equals-retention", "prefinancing-at-ceiling",
         "interims-exactly-at-ceiling", "all-at-the-end", "string-rates"],
)
def test_payment_model_accepts_edge_models(settings):
    model = PaymentModel(**settings)
    assert PaymentModel.from_dict(model.to_dict()) == model


def test_payment_model_round_trips_through_json():
    model = PaymentModel(D("0.30"), D("0.05"), 2, (D("0.25"), D("0.35")), D("0.90"))
    stored = json.loads(json.dumps(model.to_dict()))
    assert stored["interim_rates"] == ["0.25", "0.35"]
    assert PaymentModel.from_dict(stored) == model


def test_payment_model_from_dict_refuses_unknown_settings():
    with pytest.raises(ValueError, match="advance_rate"):
        PaymentModel.from_dict({"advance_rate": "0.3"})


# --- schedules: invariants over amounts and models --------------------------------------

AMOUNTS = ["0.01", "0.05", "1", "3.33", "100000", "123456.78", "999999.99"]
MODELS = {
    "no-interim": PaymentModel(),
    "one-interim": PaymentModel(interim_count=1),
    "three-interims": PaymentModel(interim_count=3),
    "explicit-rates": PaymentModel(D("0.2"), D("0.05"), 3, (D("0.1"), D("0.3"), D("0.3"))),
    "full-ceiling": PaymentModel(D("0.5"), D("0.1"), 2, ceiling_rate=D("1")),
    "odd-thirds": PaymentModel(D("0.35"), D("0.05"), 3, ceiling_rate=D("0.85")),
}


@pytest.mark.parametrize("model_name", list(MODELS))
@pytest.mark.parametrize("awarded", AMOUNTS)
def test_schedule_cents_add_up_and_respect_the_ceiling(awarded, model_name):
    model = MODELS[model_name]
    schedule = payment_schedule(D(awarded), model, start=START, duration_months=36)
    amounts = [installment.amount for installment in schedule]
    assert sum(amounts) == D(awarded)
    assert all(a >= 0 and a == a.quantize(D("0.01")) for a in amounts)
    first, *interims, final = schedule
    assert [i.kind for i in schedule] == (
        [InstallmentKind.PREFINANCING] + [InstallmentKind.INTERIM] * model.interim_count
        + [InstallmentKind.FINAL]
    )
    assert [i.sequence for i in schedule] == list(range(1, len(schedule) + 1))
    gross_before_final = first.amount + first.retention + sum(i.amount for i in interims)
    assert gross_before_final <= D(awarded) * model.ceiling_rate
    assert final.retention == first.retention
    assert all(i.retention == 0 for i in interims)


# --- schedules: hand-computed cases -----------------------------------------------------

SCHEDULE_CASES = [
    # 40 % = 40000 gross, 5 % = 5000 retention withheld, final 10 % + 5 % released + ...
    pytest.param("100000", PaymentModel(), ["35000", "65000"], "5000", id="100k-no-interim"),
    pytest.param("100000", PaymentModel(interim_count=1), ["35000", "50000", "15000"], "5000",
                 id="100k-one-interim"),
    # cumulative 56666.666.. -> .67, 73333.333.. -> .33, 90000: interims .67/.66/.67
    pytest.param("100000", PaymentModel(interim_count=3),
                 ["35000", "16666.67", "16666.66", "16666.67", "15000"], "5000",
                 id="100k-three-interims"),
    pytest.param("1", PaymentModel(interim_count=3),
                 ["0.35", "0.17", "0.16", "0.17", "0.15"], "0.05", id="1-three-interims"),
    # 0.004 and 0.0005 round to 0; everything is the final balance.
    pytest.param("0.01", PaymentModel(interim_count=1), ["0", "0", "0.01"], "0",
                 id="one-cent"),
    # gross 49382.712 -> 49382.71; retention 6172.839 -> 6172.84
    pytest.param("123456.78", PaymentModel(), ["43209.87", "80246.91"], "6172.84",
                 id="123456.78-no-interim"),
    # gross 399999.996 -> 400000.00; ceiling 899999.991 rounds DOWN to 899999.99
    pytest.param("999999.99", PaymentModel(interim_count=1),
                 ["350000", "499999.99", "150000"], "50000", id="999999.99-ceiling-floor"),
    pytest.param("100000", PaymentModel(D("0.4"), D("0.05"), 2, (D("0.2"), D("0.3"))),
                 ["35000", "20000", "30000", "15000"], "5000", id="explicit-rates"),
    # 90 % of 0.05 is 0.045: half-up would pay 0.05 (100 %); the ceiling keeps 0.04.
    pytest.param("0.05", PaymentModel(D("0.9"), D("0.05")), ["0.04", "0.01"], "0",
                 id="ceiling-beats-half-up"),
    pytest.param("1000", PaymentModel(D("0"), D("0"), ceiling_rate=D("0")), ["0", "1000"], "0",
                 id="all-at-the-end"),
]


@pytest.mark.parametrize(("awarded", "model", "expected", "retention"), SCHEDULE_CASES)
def test_schedule_amounts(awarded, model, expected, retention):
    schedule = payment_schedule(D(awarded), model, start=START, duration_months=24)
    assert [i.amount for i in schedule] == [D(a) for a in expected]
    assert schedule[0].retention == D(retention)
    assert schedule[-1].retention == D(retention)


@pytest.mark.parametrize(
    ("interims", "months", "offsets", "due_dates"),
    [
        (0, 24, [0, 24], ["2024-01-31", "2026-01-31"]),
        (3, 24, [0, 6, 12, 18, 24],
         ["2024-01-31", "2024-07-31", "2025-01-31", "2025-07-31", "2026-01-31"]),
        (1, 13, [0, 6, 13], ["2024-01-31", "2024-07-31", "2025-02-28"]),
        (2, 10, [0, 3, 6, 10], ["2024-01-31", "2024-04-30", "2024-07-31", "2024-11-30"]),
        (2, 3, [0, 1, 2, 3], ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"]),
    ],
    ids=["two-years", "quarterly-reports", "odd-duration", "rounded-down-periods",
         "one-month-periods"],
)
def test_schedule_due_dates(interims, months, offsets, due_dates):
    schedule = payment_schedule(
        D("1000"), PaymentModel(interim_count=interims), start=START, duration_months=months
    )
    assert [i.due_offset_months for i in schedule] == offsets
    assert [i.due_date.isoformat() for i in schedule] == due_dates


@pytest.mark.parametrize(
    ("awarded", "model", "months", "error", "message"),
    [
        ("0", PaymentModel(), 12, ValueError, "must be positive"),
        ("-5", PaymentModel(), 12, ValueError, "cannot be negative"),
        ("10.001", PaymentModel(), 12, ValueError, "2 decimals"),
        ("100", PaymentModel(interim_count=3), 3, ValueError, "3-month project cannot have 4"),
        ("100", PaymentModel(), 0, ValueError, "0-month project"),
        ("100", PaymentModel(), 12.0, TypeError, "whole number"),
    ],
    ids=["zero", "negative", "sub-cent", "too-many-periods", "no-duration", "float-duration"],
)
def test_schedule_refuses(awarded, model, months, error, message):
    with pytest.raises(error, match=message):
        payment_schedule(D(awarded), model, start=START, duration_months=months)


def test_schedule_is_json_friendly():
    stored = json.loads(json.dumps([i.to_dict() for i in payment_schedule(
        D("1000"), PaymentModel(interim_count=1), start=START, duration_months=12)]))
    assert stored[0] == {"kind": "prefinancing", "sequence": 1, "amount": "350.00",
                         "due_offset_months": 0, "due_date": "2024-01-31",
                         "retention": "50.00", "condition": "At signature, less the retention"}


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 5, 10), 24, date(2026, 5, 10)),
        (date(2024, 5, 10), 0, date(2024, 5, 10)),
        (date(2024, 8, 31), 13, date(2025, 9, 30)),
    ],
    ids=["leap-february", "february", "year-end", "backwards", "two-years", "zero",
         "thirty-day-month"],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


# --- claims -----------------------------------------------------------------------------


def assess(claimed, budget, earlier=None, rate="1", **options):
    options.setdefault("awarded", D("10000"))
    options.setdefault("already_paid", D("0"))
    return claim_payable(
        {k: D(v) for k, v in claimed.items()},
        {k: D(v) for k, v in budget.items()},
        {k: D(v) for k, v in (earlier or {}).items()},
        D(rate),
        **options,
    )


# (claimed, budget, earlier accepted, rate, accepted by category, payable, category cuts)
CATEGORY_CASES = [
    pytest.param({"A": "100"}, {"A": "1000"}, {}, "1", {"A": "100"}, "100", [],
                 id="within-budget"),
    pytest.param({"A": "500"}, {"A": "1000"}, {"A": "700"}, "1", {"A": "300"}, "300",
                 [("A", "200", CutReason.OVER_CATEGORY_BUDGET)], id="capped-by-remaining"),
    pytest.param({"A": "300"}, {"A": "1000"}, {"A": "700"}, "1", {"A": "300"}, "300", [],
                 id="exactly-the-remaining"),
    pytest.param({"A": "50"}, {"A": "1000"}, {"A": "1200"}, "1", {"A": "0"}, "0",
                 [("A", "50", CutReason.OVER_CATEGORY_BUDGET)], id="category-overspent"),
    pytest.param({"A": "100", "C2": "50"}, {"A": "1000"}, {}, "1", {"A": "100", "C2": "0"},
                 "100", [("C2", "50", CutReason.NO_CATEGORY_BUDGET)], id="no-budget"),
    pytest.param({"A": "0.15"}, {"A": "1"}, {}, "0.70", {"A": "0.15"}, "0.11", [],
                 id="rate-rounds-half-up"),
    pytest.param({"A": "125"}, {"A": "125"}, {}, "0.70", {"A": "125"}, "87.50", [],
                 id="reference-example-70pc"),
    pytest.param({"A": "600", "B": "300"}, {"A": "500", "B": "500"}, {"B": "100"}, "0.5",
                 {"A": "500", "B": "300"}, "400",
                 [("A", "100", CutReason.OVER_CATEGORY_BUDGET)], id="each-category-on-its-own"),
]


@pytest.mark.parametrize(
    ("claimed", "budget", "earlier", "rate", "accepted", "payable", "cuts"), CATEGORY_CASES
)
def test_claim_caps_per_category(claimed, budget, earlier, rate, accepted, payable, cuts):
    result = assess(claimed, budget, earlier, rate)
    assert result.accepted_by_category == {k: D(v) for k, v in accepted.items()}
    assert result.payable == D(payable)
    assert [(c.category, c.amount, c.reason) for c in result.cuts] == [
        (category, D(amount), reason) for category, amount, reason in cuts
    ]


# awarded 1000, ceiling 90 % = 900; (claimed A, cash paid, retention, payable, cut, reason)
CEILING_CASES = [
    pytest.param("500", "350", "50", "1", "500", None, None, id="up-to-the-ceiling"),
    pytest.param("500.01", "350", "50", "1", "500", "0.01", CutReason.CEILING,
                 id="one-cent-over-the-ceiling"),
    pytest.param("700", "350", "50", "1", "500", "200", CutReason.CEILING, id="over-ceiling"),
    pytest.param("100", "850", "50", "1", "0", "100", CutReason.CEILING,
                 id="ceiling-reached-retention-counts"),
    pytest.param("100", "950", "0", "1", "0", "100", CutReason.CEILING, id="past-the-ceiling"),
    pytest.param("700", "350", "50", "0.90", "500", "130", CutReason.CEILING,
                 id="contribution-not-costs-are-capped"),
]


@pytest.mark.parametrize(("claimed", "paid", "retention", "rate", "payable", "cut", "reason"),
                         CEILING_CASES)
def test_interim_claim_respects_the_ceiling(claimed, paid, retention, rate, payable, cut, reason):
    result = assess({"A": claimed}, {"A": "2000"}, rate=rate, awarded=D("1000"),
                    already_paid=D(paid), retention_withheld=D(retention))
    assert result.payable == D(payable)
    payment_cuts = [(c.amount, c.reason) for c in result.cuts if c.category is None]
    assert payment_cuts == ([] if cut is None else [(D(cut), reason)])
    assert result.recovery == 0 and result.retention_released == 0


def test_interim_claim_without_ceiling_is_limited_by_the_grant():
    result = assess({"A": "700"}, {"A": "2000"}, awarded=D("1000"), already_paid=D("400"),
                    ceiling_rate=D("1"))
    assert result.payable == D("600")
    assert [(c.amount, c.reason) for c in result.cuts] == [(D("100"), CutReason.GRANT_EXHAUSTED)]


# Grant 1000: pre-financing 400 gross (350 cash + 50 retention), interim 500 on 500 of costs.
FINAL_CASES = [
    pytest.param("500", "1", "1000", "150", "0", [], id="reaches-100pc-releases-retention"),
    pytest.param("600", "1", "1000", "150", "0", [("100", CutReason.GRANT_EXHAUSTED)],
                 id="capped-by-the-grant"),
    pytest.param("450", "1", "950", "100", "0", [], id="underspent-balance"),
    pytest.param("200", "1", "700", "0", "150", [], id="recovery"),
    pytest.param("350", "1", "850", "0", "0", [], id="exactly-what-was-paid"),
    # (500 + 700) x 0.7 = 840 earned; 850 paid -> 10 to recover
    pytest.param("700", "0.7", "840", "0", "10", [], id="funding-rate-recovery"),
]


@pytest.mark.parametrize(("claimed", "rate", "final_grant", "payable", "recovery", "cuts"),
                         FINAL_CASES)
def test_final_claim_pays_the_balance(claimed, rate, final_grant, payable, recovery, cuts):
    result = assess({"A": claimed}, {"A": "2000"}, {"A": "500"}, rate, is_final=True,
                    awarded=D("1000"), already_paid=D("850"), retention_withheld=D("50"))
    assert result.final_grant == D(final_grant)
    assert result.payable == D(payable)
    assert result.recovery == D(recovery)
    assert result.retention_released == D("50")
    assert [(c.amount, c.reason) for c in result.cuts] == [(D(a), r) for a, r in cuts]
    assert D("850") + result.payable - result.recovery == result.final_grant


# (claimed, budget, accepted E, payable)
INDIRECT_CASES = [
    pytest.param({"A": "100", "B": "40"}, {"A": "100", "B": "100", "E": "100"}, "25", "165",
                 id="subcontracting-outside-the-base"),
    pytest.param({"A": "200"}, {"A": "100", "E": "100"}, "25", "125",
                 id="base-is-the-accepted-costs"),
    pytest.param({"A": "100"}, {"A": "100", "E": "20"}, "20", "120", id="capped-by-budget-e"),
    pytest.param({"A": "100"}, {"A": "100"}, "0", "100", id="no-indirect-budget"),
    pytest.param({"A": "0.10"}, {"A": "1", "E": "1"}, "0.03", "0.13", id="rounds-half-up"),
]


@pytest.mark.parametrize(("claimed", "budget", "indirect", "payable"), INDIRECT_CASES)
def test_claim_computes_indirect_costs(claimed, budget, indirect, payable):
    result = assess(claimed, budget, indirect_rate=D("0.25"))
    assert result.accepted_by_category["E"] == D(indirect)
    assert result.payable == D(payable)


def test_indirect_costs_cannot_be_claimed_when_computed():
    with pytest.raises(ValueError, match="computed"):
        assess({"A": "100", "E": "25"}, {"A": "100", "E": "25"}, indirect_rate=D("0.25"))


@pytest.mark.parametrize(
    ("officer", "payable", "officer_cut"),
    [("60", "60", "40"), ("100", "100", None), ("0", "0", "100"), ("99.99", "99.99", "0.01")],
    ids=["partial", "in-full", "nothing", "one-cent-less"],
)
def test_officer_partial_approval(officer, payable, officer_cut):
    result = assess({"A": "100"}, {"A": "1000"}, officer_amount=D(officer),
                    officer_reason="Invoice 12 not readable")
    assert result.computed_payable == D("100")
    assert result.payable == D(payable)
    cuts = [(c.amount, c.message) for c in result.cuts if c.reason == CutReason.OFFICER_DECISION]
    assert cuts == ([] if officer_cut is None else [(D(officer_cut), "Invoice 12 not readable")])


@pytest.mark.parametrize(
    ("claimed", "options", "message"),
    [
        ({"A": "100"}, {"officer_amount": D("100.01")}, "cannot exceed the computed 100.00"),
        ({"A": "-1"}, {}, "Claimed A: The amount cannot be negative"),
        ({"A": "1.001"}, {}, "Claimed A: Use at most 2 decimals"),
        ({"A": "1"}, {"already_paid": D("-1")}, "Already paid"),
        ({"A": "1"}, {"ceiling_rate": D("1.2")}, "ceiling rate"),
    ],
    ids=["officer-above-computed", "negative-cost", "sub-cent-cost", "negative-paid",
         "ceiling-above-1"],
)
def test_claim_refuses(claimed, options, message):
    with pytest.raises(ValueError, match=message):
        assess(claimed, {"A": "1000"}, **options)


def test_claim_assessment_is_json_friendly():
    result = assess({"A": "500", "C2": "5"}, {"A": "400"}, indirect_rate=D("0.25"),
                    officer_amount=D("300"))
    stored = json.loads(json.dumps(result.to_dict()))
    assert stored["accepted_by_category"] == {"A": "400.00", "C2": "0.00", "E": "0.00"}
    assert stored["payable"] == "300.00"
    assert [cut["reason"] for cut in stored["cuts"]] == [
        "over_category_budget", "no_category_budget", "no_category_budget", "officer_decision"]


# --- splits -----------------------------------------------------------------------------

SPLIT_CASES = [
    pytest.param("1.00", {"a": 1, "b": 1, "c": 1}, {"a": "0.34", "b": "0.33", "c": "0.33"},
                 id="thirds-tie-to-first-key"),
    pytest.param("1.00", {"c": 1, "b": 1, "a": 1}, {"c": "0.33", "b": "0.33", "a": "0.34"},
                 id="ties-by-key-not-by-position"),
    pytest.param("0.02", {"b": 1, "a": 1, "c": 1}, {"b": "0.01", "a": "0.01", "c": "0"},
                 id="two-cents-three-ways"),
    pytest.param("0.10", {"a": 1, "b": 2}, {"a": "0.03", "b": "0.07"},
                 id="largest-remainder-beats-key"),
    pytest.param("100", {"a": "0.5", "b": "0.5"}, {"a": "50", "b": "50"}, id="halves"),
    pytest.param("10", {"a": "0.7", "b": "0.3"}, {"a": "7", "b": "3"}, id="rates"),
    # 100 x 122.5 / 497.5 = 24.6231..; 100 x 375 / 497.5 = 75.3768..
    pytest.param("100", {"p1": "122.50", "p2": "375.00"}, {"p1": "24.62", "p2": "75.38"},
                 id="requested-amounts-as-weights"),
    pytest.param("5", {"a": "1", "idle": "0"}, {"a": "5", "idle": "0"}, id="zero-weight"),
    pytest.param("0", {"a": "1", "b": "2"}, {"a": "0", "b": "0"}, id="nothing-to-split"),
    pytest.param("0.01", {"a": 1, "b": 1}, {"a": "0.01", "b": "0"}, id="one-cent"),
]


@pytest.mark.parametrize(("amount", "shares", "expected"), SPLIT_CASES)
def test_split_between_beneficiaries(amount, shares, expected):
    parts = split_between_beneficiaries(D(amount), {k: D(v) for k, v in shares.items()})
    assert parts == {k: D(v) for k, v in expected.items()}
    assert list(parts) == list(shares)
    assert all(part.as_tuple().exponent == -2 for part in parts.values())


@pytest.mark.parametrize("amount", ["0.01", "0.07", "1", "99.99", "123456.78", "999999.99"])
@pytest.mark.parametrize(
    "shares",
    [{"a": "1", "b": "1", "c": "1"}, {"a": "0.2462", "b": "0.7538"},
     {"x": "3", "y": "5", "z": "7", "w": "11"}, {"only": "1"}],
    ids=["thirds", "consortium-shares", "primes", "single"],
)
def test_split_adds_up_exactly(amount, shares):
    parts = split_between_beneficiaries(D(amount), {k: D(v) for k, v in shares.items()})
    assert sum(parts.values()) == D(amount)
    total_weight = sum(D(v) for v in shares.values())
    for key, weight in shares.items():  # nobody is more than a cent away from the exact part
        assert abs(parts[key] - D(amount) * D(weight) / total_weight) < D("0.01")


@pytest.mark.parametrize(
    ("shares", "error", "message"),
    [({}, ValueError, "At least one beneficiary needs a positive share."),
     ({"a": D(0), "b": D(0)}, ValueError, "At least one beneficiary needs a positive share."),
     ({"a": D(-1), "b": D(2)}, ValueError, "The share of a must be a finite number, 0 or more."),
     ({"a": D("NaN")}, ValueError, "The share of a must be a finite number, 0 or more."),
     ({"a": "half"}, ValueError, "The share of a must be a number, not 'half'."),
     ({"a": 0.5}, TypeError, "The share of a must be a Decimal, str or int.")],
    ids=["empty", "all-zero", "negative", "nan", "text", "float"],
)
def test_split_refuses(shares, error, message):
    with pytest.raises(error, match=message):
        split_between_beneficiaries(D("10"), shares)


# --- overpayment guard ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("awarded", "disbursed", "amount"),
    [("1000", "0", "1000"), ("1000", "999.99", "0.01"), ("1000", "500", "500"),
     ("1000", "0", "0.01")],
    ids=["all-at-once-exactly-awarded", "last-cent", "second-half", "one-cent"],
)
def test_disbursement_accepted_up_to_the_awarded_amount(awarded, disbursed, amount):
    assert check_disbursement(D(awarded), D(disbursed), D(amount)) is None


@pytest.mark.parametrize(
    ("awarded", "disbursed", "amount", "message"),
    [
        ("1000", "0", "1000.01", "above the awarded 1,000.00; at most 1,000.00 can still"),
        ("1000", "999.99", "0.02", "at most 0.01 can still be paid"),
        ("1000", "1000", "0.01", "at most 0.00"),
        ("1000", "1200", "1", "at most 0.00"),
        ("1000", "0", "0", "positive"),
        ("1000", "0", "-5", "positive"),
        ("1000", "0", "-0.001", "positive"),
    ],
    ids=["awarded-plus-one-cent", "two-cents-over", "already-all-paid", "already-overpaid",
         "zero", "negative", "negative-sub-cent"],
)
def test_overpayment_refused(awarded, disbursed, amount, message):
    with pytest.raises(OverpaymentError, match=message):
        check_disbursement(D(awarded), D(disbursed), D(amount))


def test_overpayment_error_is_a_value_error():
    assert issubclass(OverpaymentError, ValueError)


def test_disbursement_of_a_fraction_of_a_cent_is_malformed():
    with pytest.raises(ValueError, match="2 decimals"):
        check_disbursement(D("1000"), D("0"), D("0.001"))
