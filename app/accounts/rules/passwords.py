"""Password policy (pure): what a password must be; hashing and the shipped list of common
passwords are in accounts/services/passwords.py (OWASP ASVS 5.0 6.2.1, 6.2.4, 6.2.9)."""

from collections.abc import Container

MIN_LENGTH = 12
MAX_LENGTH = 256  # long passphrases are welcome; the cap only bounds hashing work
_PADDING = "0123456789!@#$%^&*()_+-=.,;:?~ "


def _variants(password: str) -> set[str]:
    """What a common password looks like once the usual disguises are taken off:
    capitals, digits and symbols added at either end, a word typed twice."""
    lowered = password.lower()
    stripped = lowered.strip(_PADDING)
    variants = {lowered, stripped, lowered.replace(" ", "")}
    for text in (lowered, stripped):
        half = len(text) // 2
        if half and len(text) % 2 == 0 and text[:half] == text[half:]:
            variants.add(text[:half])
    return variants


def password_problem(password: str, common: Container[str] = frozenset()) -> str | None:
    """Why the password is refused, or None when it is acceptable. `common` holds the common
    and breached passwords, lower-cased."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if not password.strip():
        return "A password cannot be only spaces."
    if len(set(password)) < 4:
        return "Use more than three different characters."
    variants = _variants(password)
    # Only digits and symbols ("123456789012") is the first thing an attacker tries too.
    if "" in variants or any(variant in common for variant in variants):
        return ("This password is on the list of common or breached passwords that attackers "
                "try first. Choose another, e.g. a few unrelated words.")
    return None
