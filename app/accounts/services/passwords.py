"""Password hashing with argon2id and the shipped list of common passwords (the policy itself
is pure: accounts/rules/passwords.py)."""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

from app.accounts.rules.passwords import MAX_LENGTH, MIN_LENGTH, password_problem

# 30,000 common passwords shipped with the project (data/SOURCES.md): checked offline.
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(line.strip().lower() for line in
                     COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
                     if line.strip())


def password_refusal(password: str) -> str | None:
    """Why this password is refused (length, common or breached), or None; in the page's
    language (the pure rule says it in English)."""
    problem = password_problem(password, common_passwords())
    return None if problem is None else translated_refusals().get(problem, problem)


def translated_refusals() -> dict[str, str]:
    """Each sentence of accounts/rules/passwords.py and its translation (a unit test keeps
    the keys equal to the rule's sentences)."""
    return {
        f"Use at least {MIN_LENGTH} characters.":
            _("Use at least %(count)d characters.", count=MIN_LENGTH),
        f"Use at most {MAX_LENGTH} characters.":
            _("Use at most %(count)d characters.", count=MAX_LENGTH),
        "A password cannot be only spaces.": _("A password cannot be only spaces."),
        "Use more than three different characters.":
            _("Use more than three different characters."),
        "This password is on the list of common or breached passwords that attackers try "
        "first. Choose another, e.g. a few unrelated words.":
            _("This password is on the list of common or breached passwords that attackers "
              "try first. Choose another, e.g. a few unrelated words."),
    }


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
