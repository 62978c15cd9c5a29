"""Sentences of pure rules that the reader's language can say again (issue 14; pure).

A rule cannot import Flask-Babel, so it returns a Message: a `str` holding the English (what
tests, logs, JSON answers and stored reports see, unchanged) that also remembers the template
it was made from and its parameters. The edge (app/core/i18n.translate and the `translated`
Jinja filter) says it again in the page's language; English pages get the English as it is.
Rules pay for this only when a sentence is written, and sentences are written only for a
reader (eligibility screening reads outcomes alone).

Templates are literals marked with `N_` (singular) or `Nn_` (singular and plural), which
`make translations` extracts. A parameter may itself be a Message (a label, a count, a list,
a percentage or an amount): the edge translates it first.
"""

from collections.abc import Sequence
from decimal import Decimal


def N_(text: str) -> str:
    """Marks a template for extraction; it is translated at the edge."""
    return text


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular and plural template (`%(num)d` is the count) for extraction."""
    return singular, plural


class Message(str):
    """English text made from `template % params`, able to be said in another language."""

    template: str
    params: dict

    def __new__(cls, template: str, /, **params) -> "Message":
        message = super().__new__(cls, template % params if params else template)
        message.template, message.params = template, params
        return message

    def __reduce__(self):  # copies and pickles keep the subclass and what it remembers
        return _restored, (type(self), str(self), dict(self.__dict__))


def _restored(cls: type, text: str, state: dict) -> Message:
    message = str.__new__(cls, text)
    message.__dict__.update(state)
    return message


class Plural(Message):
    """`Plural(Nn_("%(num)d day", "%(num)d days"), 3)`: the form that fits the count."""

    forms: tuple[str, str]
    count: int

    def __new__(cls, forms: tuple[str, str], count: int, /, **params) -> "Plural":
        message = super().__new__(cls, forms[0] if count == 1 else forms[1], num=count, **params)
        message.forms, message.count = forms, count
        return message


class NameList(Message):
    """"A", "A and B", "A, B and C" (or "A or B or C"); said in the reader's language."""

    items: tuple
    style: str

    def __new__(cls, items: Sequence, /, *, conjunction: str = "and") -> "NameList":
        words = [str(item) for item in items]
        if conjunction == "or":  # the rules' English says "A or B or C"
            text = " or ".join(words)
        else:
            text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
        message = str.__new__(cls, text)
        message.template, message.params = text, {}
        message.items, message.style = tuple(items), "or" if conjunction == "or" else "standard"
        return message


class Series(Message):
    """Sentences or phrases joined by a separator ("; "), each said in the reader's language."""

    items: tuple
    separator: str

    def __new__(cls, items: Sequence, separator: str, /) -> "Series":
        text = separator.join(str(item) for item in items)
        message = str.__new__(cls, text)
        message.template, message.params = text, {}
        message.items, message.separator = tuple(items), separator
        return message


class Percent(Message):
    """A rate (a fraction, 0.125) written as the rule's English writes it ("12.50%")."""

    fraction: Decimal

    def __new__(cls, fraction: Decimal, english: str, /) -> "Percent":
        message = str.__new__(cls, english)
        message.template, message.params, message.fraction = english, {}, fraction
        return message


class Amount(Message):
    """An amount of money as the rule's English writes it ("EUR 500,000.00")."""

    amount: Decimal
    currency: str

    def __new__(cls, amount: Decimal, currency: str, english: str, /) -> "Amount":
        message = str.__new__(cls, english)
        message.template, message.params = english, {}
        message.amount, message.currency = amount, currency
        return message
