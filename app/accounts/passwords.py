"""Password policy and argon2id hashing."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 256  # long passphrases are welcome; the cap only bounds hashing work


def password_problem(password: str) -> str | None:
    """Why the password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if not password.strip():
        return "A password cannot be only spaces."
    return None


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
