"""What an eligibility check reports: one Check per rule, stored with each submission (pure)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class CheckCode(StrEnum):
    """Stable check codes: the rule keys (each `min_*` and `max_*`, and eligible_countries).

    `independence` is kept only to label reports stored before linked entities became a
    note: since Regulation (EU) 2021/695 Art. 22(2) counts them once, they never fail."""

    ELIGIBLE_COUNTRIES = "eligible_countries"
    MIN_PARTNERS = "min_partners"
    INDEPENDENCE = "independence"
    MIN_COUNTRIES = "min_countries"
    MIN_MEMBER_STATE_PARTNERS = "min_member_state_partners"
    MIN_RESEARCH_PARTNERS = "min_research_partners"
    MIN_SME_PARTNERS = "min_sme_partners"
    MIN_FIRM_PARTNERS = "min_firm_partners"
    MIN_FIELDS_OF_SCIENCE = "min_fields_of_science"
    MAX_REQUESTED_PER_PROPOSAL = "max_requested_per_proposal"
    MAX_PARTNER_SHARE = "max_partner_share"


class NoteKind(StrEnum):
    """Why a member counts toward no minimum, or counts together with others."""

    OUTSIDE_COUNTRIES = "outside_countries"
    ASSOCIATED_PARTNER = "associated_partner"
    SUBCONTRACTOR = "subcontractor"
    LINKED = "linked"


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    passed: bool
    message: str
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Note:
    """Something the applicant should know that is not a failure: who counts how."""

    kind: str
    keys: tuple[str, ...]
    text: str


class EligibilityReport:
    """Every check's outcome; messages and details are written only when someone reads them.

    Screening thousands of consortia needs only `passed` and `outcomes`, so the engine
    hands over a `render` function instead of text it would mostly throw away."""

    __slots__ = ("_checks", "_notes", "_outcomes", "_render")

    def __init__(self, checks: Iterable[Check] = (), notes: Iterable[Note] = ()):
        self._checks: tuple[Check, ...] | None = tuple(checks)
        self._notes: tuple[Note, ...] | None = tuple(notes)
        self._outcomes = tuple((check.code, check.passed) for check in self._checks)
        self._render = None

    @classmethod
    def deferred(
        cls,
        outcomes: tuple[tuple[str, bool], ...],
        render: Callable[[], tuple[tuple[Check, ...], tuple[Note, ...]]],
    ) -> "EligibilityReport":
        """A report whose checks and notes `render` writes on first reading."""
        report = cls.__new__(cls)
        report._outcomes, report._render = outcomes, render
        report._checks = report._notes = None
        return report

    @property
    def outcomes(self) -> tuple[tuple[str, bool], ...]:
        """(code, passed) per check, in report order; no message is written for them."""
        return self._outcomes

    @property
    def passed(self) -> bool:
        return all(passed for _, passed in self._outcomes)

    def _rendered(self) -> None:
        if self._checks is None:
            self._checks, self._notes = self._render()

    @property
    def checks(self) -> tuple[Check, ...]:
        self._rendered()
        return self._checks

    @property
    def notes(self) -> tuple[Note, ...]:
        self._rendered()
        return self._notes

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.passed)

    def by_code(self, code: str) -> Check | None:
        return next((check for check in self.checks if check.code == code), None)

    def to_dict(self) -> dict:
        return {
            "passed": self.passed,
            "checks": [
                {"code": str(c.code), "passed": c.passed, "message": c.message, "detail": c.detail}
                for c in self.checks
            ],
            "notes": [
                {"kind": str(n.kind), "keys": list(n.keys), "text": n.text} for n in self.notes
            ],
        }
