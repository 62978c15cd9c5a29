"""Second-factor policy (pure): who must have one, what codes look like, how fresh a step-up
is (OWASP ASVS 5.0 6.4, 6.5, 6.6). The TOTP maths is pyotp's (accounts/services)."""

import hashlib
import secrets
from collections.abc import Iterable

# The roles that approve, rank and pay: they cannot sign in on a password alone.
REQUIRED_ROLES = frozenset({"admin", "programme_officer", "finance_officer", "evaluator"})
RECOVERY_CODE_COUNT = 10
# Letters and digits nobody confuses when reading them from paper (no 0/O, 1/l/I).
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_HALF = 5


def second_factor_required(roles: Iterable[str]) -> bool:
    return bool(REQUIRED_ROLES.intersection(roles))


def normalise_code(text: str | None) -> str:
    """What the user typed, without the spaces and dashes authenticator apps and our recovery
    codes are shown with."""
    return "".join((text or "").split()).replace("-", "").lower()


def is_totp_code(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Ten codes such as `k7q2m-xr4dp` (about 50 bits each: not worth guessing)."""
    def half() -> str:
        return "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_HALF))

    return [f"{half()}-{half()}" for _ in range(count)]


def recovery_code_hash(code: str) -> str:
    """Recovery codes are random and long, so a plain SHA-256 keeps them safe at rest
    without a slow password hash (which ten codes per attempt would make costly)."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def is_recent(confirmed_at: float | None, now: float, minutes: int) -> bool:
    """Whether a code given at `confirmed_at` (POSIX seconds) still covers a sensitive
    action at `now`."""
    return confirmed_at is not None and 0 <= now - confirmed_at <= minutes * 60
