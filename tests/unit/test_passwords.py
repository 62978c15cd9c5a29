"""Password policy and hashing (argon2id)."""

import pytest
from argon2 import extract_parameters

from app.accounts.rules.passwords import password_problem
from app.accounts.services.passwords import hash_password, verify_password


@pytest.mark.parametrize("password, ok", [
    ("", False), ("short", False), ("123456789", False), ("1234567890", True),
    ("a" * 64, True), ("a" * 256, True), ("a" * 257, False), (" " * 12, False),
    ("correct horse battery staple", True),
])
def test_policy(password, ok):
    assert (password_problem(password) is None) is ok


def test_default_hash_is_argon2id_with_rfc9106_memory():
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    parameters = extract_parameters(hashed)
    assert parameters.memory_cost >= 65536  # KiB: 64 MiB, RFC 9106 second recommendation
    assert verify_password(hashed, "correct horse battery")


@pytest.mark.parametrize("candidate", ["correct horse batterY", "", "correct horse battery "])
def test_wrong_password_is_refused(candidate):
    assert not verify_password(hash_password("correct horse battery"), candidate)


@pytest.mark.parametrize("stored", [None, "", "not-a-hash", "$2b$12$abc"])
def test_missing_or_foreign_hash_never_verifies(stored):
    assert not verify_password(stored, "anything at all")
