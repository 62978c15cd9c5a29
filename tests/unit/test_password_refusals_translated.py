"""The pure password rule says its refusals in English; the service translates each one. A
sentence of the rule that the service does not know would reach users untranslated."""

from app.accounts.rules.passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from app.accounts.services.passwords import translated_refusals

# One password for each refusal the rule can give.
REFUSED = ["short", "x" * (MAX_LENGTH + 1), " " * MIN_LENGTH, "abab" * MIN_LENGTH,
           "password" * 2]


def test_every_refusal_of_the_rule_has_its_translation():
    problems = {password_problem(password, frozenset({"password"})) for password in REFUSED}
    assert None not in problems and len(problems) == len(REFUSED)
    assert problems == set(translated_refusals())
