"""The one place grant views ask for a fresh second factor before money can be redirected or
moved (step-up): confirming bank details and executing a payment batch. Entering bank
details does not ask for it (applicants need not enrol a second factor): an entry does
nothing until a finance officer, stepped up, confirms it."""

from app.accounts.views.step_up import recent_second_factor_required as step_up

__all__ = ["step_up"]
