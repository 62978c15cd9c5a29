"""Password hashing with argon2id and the shipped list of common passwords (the policy itself
is pure: accounts/rules/passwords.py)."""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.accounts.rules.passwords import password_problem

# 30,000 common passwords shipped with the project (data/SOURCES.md): checked offline.
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(line.strip().lower() for line in
                     COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
                     if line.strip())


def password_refusal(password: str) -> str | None:
    """Why this password is refused (length, common or breached), or None."""
    return password_problem(password, common_passwords())


def hasher(params: dict | None = None) -> PasswordHasher:
    # argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
    return PasswordHasher(**(params or {}))


def hash_password(password: str, params: dict | None = None) -> str:
    return hasher(params).hash(password)


def verify_password(password_hash: str | None, password: str, params: dict | None = None) -> bool:
    if not password_hash:
        return False
    try:
        return hasher(params).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
