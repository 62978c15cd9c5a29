"""Password policy (pure): what a password must be; hashing is in accounts/services."""

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
