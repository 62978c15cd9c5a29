"""The API's documented shapes (pydantic): requests are checked against them, responses too."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# Text without NUL characters (PostgreSQL refuses them in text columns); a "line" also has
# something besides spaces, as the page's DataRequired asks.
TEXT = r"^[^\x00]*$"
TEXT_LINE = r"^[^\x00]*[^\x00\s][^\x00]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldProblem(BaseModel):
    field: str | None
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None


class ListQuery(Strict):
    cursor: str | None = Field(None, max_length=200,
                               description="The `next` of the previous page, as given.")
    limit: int = Field(20, ge=1, le=100)


class CallQuery(ListQuery):
    q: str = Field("", max_length=100, pattern=TEXT,
                   description="Words in the title, summary or reference.")
    phase: str = Field("", pattern="^(|forthcoming|open|closed)$")
    kind: str = Field("", pattern="^(|grant|tender)$")


class Funder(BaseModel):
    name: str
    country: str


class CallSummary(BaseModel):
    reference: str
    title: str
    kind: str
    status: str
    phase: str | None
    summary: str
    currency: str
    budget: str = Field(description="Exact decimal amount, in `currency`.")
    max_per_proposal: str
    opens_at: datetime
    closes_at: datetime
    timezone: str
    funder: Funder
    url: str


class CallDetail(CallSummary):
    body: str
    strategic_areas: list[str]
    ict_categories: list[str]
    eligibility_rules: dict[str, Any]
    rules_in_words: list[str]
    award_criteria: dict[str, Any]
    criteria_in_words: list[str]


class CallPage(BaseModel):
    items: list[CallSummary]
    next: str | None


class ProjectPage(BaseModel):
    items: list[dict[str, Any]] = Field(description="360Giving grants (standard 1.4).")
    next: str | None


class Dataset(BaseModel):
    kind: str
    title: str
    published_at: datetime | None
    items: int
    downloads: dict[str, str]


class Datasets(BaseModel):
    license: str
    publisher: str
    datasets: list[Dataset]


class Me(BaseModel):
    id: int
    name: str
    email: str
    roles: list[str]
    organisation: str | None
    funder: str | None
    token_scope: str | None


class Member(BaseModel):
    organisation: str | None
    country: str | None
    role: str
    accepted: bool


class ApplicationSummary(BaseModel):
    id: int
    call: str
    acronym: str
    title: str
    status: str
    version: int
    submitted_at: datetime | None


class ApplicationDetail(ApplicationSummary):
    abstract: str
    duration_months: int
    strategic_area: str | None
    ict_categories: list[str]
    bid_price: str | None
    members: list[Member]
    eligibility: list[dict[str, Any]]


class ApplicationPage(BaseModel):
    items: list[ApplicationSummary]
    next: str | None


class ApplicationChanges(Strict):
    """Only the fields sent change; `version` is the one you read (optimistic locking)."""

    version: int = Field(ge=1)
    # The same limits as the page's form (DataRequired: something besides spaces).
    acronym: str | None = Field(None, max_length=30, pattern=TEXT_LINE)
    title: str | None = Field(None, max_length=300, pattern=TEXT_LINE)
    abstract: str | None = Field(None, max_length=5000, pattern=TEXT)
    duration_months: int | None = Field(None, ge=1, le=120)


class SubmittedApplication(BaseModel):
    id: int
    acronym: str
    title: str
    status: str
    coordinator: str | None
    submission: int
    submitted_at: datetime
    requested: str


class SubmittedPage(BaseModel):
    items: list[SubmittedApplication]
    next: str | None


class StatusQuery(ListQuery):
    status: str = Field("", max_length=20)


class ReviewProgress(BaseModel):
    application_id: int
    acronym: str
    experts: int
    reviews_submitted: int
    consensus: str | None


class Evaluation(BaseModel):
    call: str
    status: str
    proposals: list[ReviewProgress]


class RankedProposal(BaseModel):
    application_id: int
    acronym: str
    position: int | None
    weighted_total: str | None
    outcome: str
    requested: str | None
    awarded: str | None
    decided_by: str | None


class RankingOut(BaseModel):
    call: str
    published: bool
    proposals: list[RankedProposal]
    pending: list[str]
    problems: list[str]


class GrantSummary(BaseModel):
    id: int
    agreement_number: str
    call: str
    acronym: str
    status: str
    currency: str
    awarded: str
    disbursed: str
    start_date: date
    end_date: date


class GrantPage(BaseModel):
    items: list[GrantSummary]
    next: str | None


class Payment(BaseModel):
    id: int
    amount: str
    value_date: date
    status: str
    reverses: int | None


class Claim(BaseModel):
    id: int
    period: int
    status: str
    claimed: str
    payable: str | None


class GrantDetail(GrantSummary):
    remaining: str
    claims: list[Claim]
    payments: list[Payment]
