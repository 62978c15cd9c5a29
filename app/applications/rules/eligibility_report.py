"""What an eligibility check reports: one Check per rule, stored with each submission (pure)."""

from dataclasses import dataclass, field
from enum import StrEnum


class CheckCode(StrEnum):
    """Stable check codes: the rule keys, except `independence` (require_independent_partners)."""

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


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    passed: bool
    message: str
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EligibilityReport:
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

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
        }
