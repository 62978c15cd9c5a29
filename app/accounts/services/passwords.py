"""Password hashing with argon2id (the policy itself is pure: accounts/rules/passwords.py)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


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
