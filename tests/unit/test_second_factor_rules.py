"""The pure second-factor policy: who needs one, what a code looks like, step-up freshness."""

from app.accounts.rules.second_factor import (
    RECOVERY_CODE_COUNT,
    is_recent,
    is_totp_code,
    new_recovery_codes,
    normalise_code,
    recovery_code_hash,
    second_factor_required,
)


def test_the_roles_that_approve_rank_and_pay_need_a_second_factor():
    for role in ("admin", "programme_officer", "finance_officer", "evaluator"):
        assert second_factor_required({role, "applicant"})
    assert not second_factor_required({"applicant", "adviser", "organiser"})
    assert not second_factor_required(set())


def test_codes_are_read_without_spaces_and_dashes():
    assert normalise_code(" 123 456 ") == "123456"
    assert normalise_code("K7Q2M-XR4DP") == "k7q2mxr4dp"
    assert normalise_code(None) == ""
    assert is_totp_code("123456")
    assert not is_totp_code("12345")
    assert not is_totp_code("١٢٣٤٥٦")  # Arabic-Indic digits are digits, but not ASCII


def test_recovery_codes_are_ten_distinct_readable_codes_hashed_as_typed():
    codes = new_recovery_codes()
    assert len(codes) == RECOVERY_CODE_COUNT == len(set(codes))
    for code in codes:
        assert len(code) == 11 and code[5] == "-"
        assert not set(code) & set("0o1il")
    assert recovery_code_hash(codes[0]) == recovery_code_hash(" " + codes[0].upper())
    assert recovery_code_hash(codes[0]) != recovery_code_hash(codes[1])


def test_a_step_up_lasts_its_minutes_and_not_a_second_more():
    assert is_recent(1000.0, 1000.0 + 15 * 60, 15)
    assert not is_recent(1000.0, 1000.0 + 15 * 60 + 1, 15)
    assert not is_recent(None, 1000.0, 15)
    assert not is_recent(2000.0, 1000.0, 15)  # a time in the future is not trusted
