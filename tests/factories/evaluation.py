"""Creator fixtures for evaluation: officers, experts, submitted proposals, a whole evaluation."""

import itertools
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pytest

from app.accounts.models import Invitation, Role, User
from app.applications.models import (
    Application,
    ApplicationStatus,
    Attachment,
    BudgetLineRow,
    Participant,
    ParticipantRole,
)
from app.applications.rules.budget import BudgetLine, participant_budget
from app.applications.services.checklist import counts, funding_rate_of, indirect_rate
from app.calls.rules.finance import CENT
from app.calls.rules.lifecycle import CallStatus
from app.calls.services.calls import mark_submitted
from app.core import storage
from app.core.database import utcnow
from app.core.extensions import db
from app.evaluation.models import (
    ACTIVE_ASSIGNMENT,
    Assignment,
    Consensus,
    ConsensusStatus,
    ExpertAffiliation,
    ExpertProfile,
)
from app.evaluation.rules.scoring import plain
from app.evaluation.services.assignment import declare, run_assignment
from app.evaluation.services.calls import criteria_of
from app.evaluation.services.consensus import (
    approve_consensus,
    consensus_view,
    dispersed_labels,
    save_consensus,
)
from app.evaluation.services.reviews import save_review
from tests.factories.applications import submit_directly
from tests.factories.pdfs import MINIMAL_PDF

_sequence = itertools.count(1)
PDF_BYTES = MINIMAL_PDF


@pytest.fixture
def make_officer(make_user, make_funder):
    def make(funder=None, **fields) -> User:
        return make_user(Role.programme_officer, funder=funder or make_funder(),
                         name=fields.pop("name", "Olga Officer"), **fields)

    return make


@pytest.fixture
def make_expert(make_user):
    """An evaluator who accepted an invitation from `funder`, with an expert profile."""

    def make(funder, *, organisation=None, country: str = "FR", fields=("1.2",),
             affiliations=(), name: str | None = None, **user_fields) -> User:
        n = next(_sequence)
        expert = make_user(Role.evaluator, name=name or f"Expert {n}",
                           email=user_fields.pop("email", f"expert{n}@experts.example"),
                           **user_fields)
        inviter = db.session.scalar(db.select(User).order_by(User.id).limit(1))
        db.session.add(Invitation(email=expert.email, role=Role.evaluator, funder_id=funder.id,
                                  invited_by_id=inviter.id, accepted_at=expert.created_at))
        profile = ExpertProfile(user_id=expert.id, fields_of_science=list(fields), keywords="",
                                country=country,
                                organisation_id=organisation.id if organisation else None)
        profile.affiliations = [ExpertAffiliation(organisation_id=org.id, until=until)
                                for org, until in affiliations]
        db.session.add(profile)
        db.session.commit()
        return expert

    return make


@pytest.fixture
def make_evaluation_call(make_call):
    """A grant (or tender) call that closed yesterday and is under evaluation."""

    def make(**options) -> object:
        options.setdefault("status", CallStatus.UNDER_EVALUATION)
        return make_call(opens_in=timedelta(days=-60), closes_in=timedelta(days=-1), **options)

    return make


def _budget_lines_requesting(application: Application, requested: Decimal) -> None:
    """Budget lines with which the product's own budget asks for exactly `requested`: split
    between the funded participants, as subcontracting (no indirect costs on top), each line
    sized so that the participant's funding rate gives its share to the cent."""
    if requested == 0:
        return
    call = application.call
    funded = [(p, funding_rate_of(call, p)) for p in application.participants if counts(p)]
    funded = [(p, rate) for p, rate in funded if rate > 0]
    if not funded:
        raise ValueError(f"No participant of {application.acronym} may request funding.")
    even = (requested / len(funded)).quantize(CENT, rounding=ROUND_DOWN)
    shares = [even] * (len(funded) - 1) + [requested - even * (len(funded) - 1)]
    for (participant, rate), share in zip(funded, shares, strict=True):
        amount = _amount_requesting(share, rate, indirect_rate(call))
        participant.budget_lines.append(BudgetLineRow(
            category="B", ict_category="broadband", open_source=False,
            description="Broadband installation", amount=amount))


def _amount_requesting(share: Decimal, rate: Decimal, indirect: Decimal) -> Decimal:
    def asks(amount: Decimal) -> Decimal:
        line = BudgetLine("B", amount, "broadband", False)
        return participant_budget([line], indirect_rate=indirect, funding_rate=rate).requested

    amount = (share / rate).quantize(CENT, rounding=ROUND_HALF_UP)
    while asks(amount) > share:
        amount -= CENT
    while asks(amount) < share:
        amount += CENT
    if asks(amount) != share:
        raise ValueError(f"No amount asks for exactly {share} at a funding rate of {rate}.")
    return amount


@pytest.fixture
def make_submitted_application(make_user, make_organisation):
    """An application of `call` with its consortium and a submission before the deadline."""

    def make(call, *, organisations=None, acronym: str | None = None,
             status: ApplicationStatus = ApplicationStatus.ELIGIBLE,
             requested: str = "200000.00", strategic_area: str | None = None,
             women: int | None = None, men: int | None = None, bid_price: str | None = None,
             coordinator: User | None = None, with_attachment: bool = False,
             fields=("1.2",)) -> Application:
        n = next(_sequence)
        organisations = organisations or [make_organisation(country=c) for c in ("IT", "AT")]
        coordinator = coordinator or make_user(Role.applicant, organisation=organisations[0],
                                               name=f"Coordinator {n}")
        application = Application(
            call=call, acronym=acronym or f"PROP{n}", title=f"Proposal number {n}",
            abstract="Broadband for tourism firms in the region.", status=status,
            strategic_area=strategic_area, created_by_id=coordinator.id,
            bid_price_amount=Decimal(bid_price) if bid_price else None,
            submitted_at=call.closes_at - timedelta(days=2))
        for index, organisation in enumerate(organisations):
            application.participants.append(Participant(
                organisation=organisation, fields_of_science=list(fields),
                role=ParticipantRole.COORDINATOR if index == 0 else ParticipantRole.PARTNER,
                contact_user_id=coordinator.id if index == 0 else None,
                accepted_at=call.closes_at - timedelta(days=10),
                key_personnel_women=women if index == 0 else None,
                key_personnel_men=men if index == 0 else None))
        _budget_lines_requesting(application, Decimal(requested))
        db.session.add(application)
        db.session.flush()
        if with_attachment:
            key = storage.new_key("attachments", ".pdf")
            application.attachments.append(Attachment(
                kind="technical_annex", filename=f"annex-{application.acronym}.pdf",
                size=len(PDF_BYTES), sha256=storage.save(key, PDF_BYTES), storage_key=key,
                uploaded_by_id=coordinator.id))
            db.session.flush()
        # The snapshot and its hash come from the product's own code, as on a real submit.
        submitted_at = call.closes_at - timedelta(days=2)
        submit_directly(application, by=coordinator, at=submitted_at,
                        key=f"test-{application.id}-{n}")
        mark_submitted(call, submitted_at)
        db.session.commit()
        return application

    return make


@dataclass
class EvaluationDriver:
    """Runs the evaluation steps through the services, as the users would."""

    call: object
    officer: User

    def assign(self) -> dict:
        report = run_assignment(self.call.id, by=self.officer,
                                                    notify=False)
        db.session.commit()
        return report

    def team(self, application) -> list[Assignment]:
        return list(db.session.scalars(db.select(Assignment).where(
            Assignment.application_id == application.id,
            Assignment.status.in_(ACTIVE_ASSIGNMENT)).order_by(Assignment.id)))

    def review(self, assignment: Assignment, scores: dict, *, submit: bool = True) -> None:
        if assignment.status == "assigned":
            declare(assignment.id, by=assignment.expert, has_conflict=False)
        criteria = criteria_of(self.call)
        save_review(
            assignment.id, by=assignment.expert, scores=scores, submit=submit,
            comments={c.code: f"Comment on {c.label} long enough." for c in criteria.criteria})
        db.session.commit()

    def review_all(self, application, scores_per_expert: list[dict]) -> None:
        for assignment, scores in zip(self.team(application), scores_per_expert, strict=True):
            self.review(assignment, scores)

    def rapporteur(self, application) -> User:
        return next(a.expert for a in self.team(application) if a.is_rapporteur)

    def consensus(self, application, scores: dict | None = None, *, approve: bool = True):
        rapporteur = self.rapporteur(application)
        view = consensus_view(application.id, by=rapporteur)
        scores = scores or {code: plain(v) for code, v in view.proposal.scores.items()}
        save_consensus(
            application.id, by=rapporteur, scores=scores, submit=True,
            # Dispersion flags make minority views required (evaluation/rules/minority.py).
            minority_views="Expert 2 saw more risk in the plan." if dispersed_labels(view)
            else "",
            comments={c.code: f"Consensus on {c.label}: well argued."
                      for c in view.criteria.criteria})
        if approve:
            approve_consensus(application.id, by=self.officer)
        db.session.commit()

    def approved_consensus(self, application, scores: dict, rapporteur: User) -> Consensus:
        """An approved consensus written straight to the database (for ranking-only tests)."""
        application.status = ApplicationStatus.UNDER_EVALUATION
        consensus = Consensus(
            application_id=application.id, call_id=self.call.id, rapporteur_id=rapporteur.id,
            scores=scores, comments={code: f"Consensus comment on {code}." for code in scores},
            minority_views="", proposal={}, status=ConsensusStatus.APPROVED,
            approved_by_id=self.officer.id, approved_at=utcnow())
        db.session.add(consensus)
        db.session.commit()
        return consensus

    def evaluate(self, application, scores: dict) -> None:
        """Every expert gives `scores`; the consensus takes them and is approved."""
        for assignment in self.team(application):
            self.review(assignment, scores)
        self.consensus(application)


@pytest.fixture
def evaluation_driver():
    return EvaluationDriver
