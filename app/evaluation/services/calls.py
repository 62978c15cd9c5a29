"""Evaluation use cases shared by every step: the officer's calls, settings and submissions."""

from collections.abc import Iterable, Mapping

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from app.accounts.models import Role, User
from app.applications.models import Application, ApplicationStatus, Participant, Submission
from app.calls.models import Call
from app.calls.rules.lifecycle import CallAction, CallStatus, TransitionError, transition
from app.calls.services.calls import can_manage
from app.core import audit
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.core.i18n import translate
from app.evaluation.models import CallEvaluationSettings
from app.evaluation.rules.scoring import AwardCriteria, Criterion, plain, validate_score

# Applications that went through (or are in) evaluation; the others stay out of it.
EVALUATED_STATUSES = (
    ApplicationStatus.ELIGIBLE, ApplicationStatus.UNDER_EVALUATION, ApplicationStatus.FUNDED,
    ApplicationStatus.RESERVE, ApplicationStatus.REJECTED)
EVALUATION_CALL_STATUSES = (CallStatus.UNDER_EVALUATION, CallStatus.RESULTS_PUBLISHED)


class FieldErrors(DomainError):
    """Several form fields are wrong at once; `errors` maps each field name to its message."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__(_("Please correct the fields marked below."))


def criteria_of(call: Call) -> AwardCriteria:
    return AwardCriteria.from_document(call.award_criteria)


def get_call_to_oversee(call_id: int, *, by: User) -> Call:
    """The call, for reading its evaluation: those who manage it (its funder's programme
    officers, admins). For anyone else it is not theirs: 404."""
    call = db.session.get(Call, call_id)
    if call is None or not can_manage(by, call):
        raise NotFound(_("There is no such call among yours."))
    return call


def get_officer_call(call_id: int, *, by: User) -> Call:
    """The call, for its programme officers to act on its evaluation; admins read it but
    get 403 here."""
    call = get_call_to_oversee(call_id, by=by)
    if not by.is_staff_of(call.funder_id, Role.programme_officer):
        raise Forbidden(_("Only programme officers of the call's funder may do this."))
    return call


def require_under_evaluation(call: Call) -> None:
    if call.status != CallStatus.UNDER_EVALUATION:
        raise Conflict(_("The call is not under evaluation."))


def list_officer_calls(*, by: User) -> dict[str, list[Call]]:
    """The funder's calls to evaluate, being evaluated, and with published results."""
    if by.funder_id is None:
        return {"closed": [], "evaluation": [], "published": []}
    calls = db.session.scalars(
        select(Call).where(Call.funder_id == by.funder_id, Call.status.in_(
            (CallStatus.PUBLISHED, *EVALUATION_CALL_STATUSES)))
        .order_by(Call.closes_at.desc(), Call.id)).all()
    now = utcnow()
    return {
        "closed": [c for c in calls if c.status == CallStatus.PUBLISHED and c.closes_at <= now],
        "evaluation": [c for c in calls if c.status == CallStatus.UNDER_EVALUATION],
        "published": [c for c in calls if c.status == CallStatus.RESULTS_PUBLISHED],
    }


def change_call_status(call: Call, action: CallAction, *, by: User | None) -> None:
    """Apply a lifecycle action with the call's dates, and record it."""
    before = call.status
    try:
        call.status = transition(call.status, action, opens_at=call.opens_at,
                                 closes_at=call.closes_at, now=utcnow(), has_submissions=True)
    except TransitionError as error:
        raise Conflict(str(error)) from None
    audit.record(by, f"call.{action.value}", call, {"from": before, "to": call.status})


def start_evaluation(call_id: int, *, by: User) -> Call:
    call = get_officer_call(call_id, by=by)
    change_call_status(call, CallAction.START_EVALUATION, by=by)
    db.session.flush()
    return call


def current_settings(call: Call) -> CallEvaluationSettings:
    """The call's settings, or the defaults (not saved) when nobody changed them yet."""
    settings = db.session.scalar(
        select(CallEvaluationSettings).where(CallEvaluationSettings.call_id == call.id))
    return settings or CallEvaluationSettings(call_id=call.id, same_country_is_conflict=False,
                                              last_run={})


def settings_for(call: Call) -> CallEvaluationSettings:
    """The call's settings row, created on first change."""
    settings = db.session.scalar(
        select(CallEvaluationSettings).where(CallEvaluationSettings.call_id == call.id))
    if settings is None:
        settings = CallEvaluationSettings(call_id=call.id, same_country_is_conflict=False,
                                          last_run={})
        db.session.add(settings)
    return settings


def update_settings(call_id: int, *, by: User, same_country_is_conflict: bool) -> None:
    call = get_officer_call(call_id, by=by)
    require_under_evaluation(call)
    settings = settings_for(call)
    settings.same_country_is_conflict = same_country_is_conflict
    audit.record(by, "evaluation.settings_changed", call,
                 {"same_country_is_conflict": same_country_is_conflict})
    db.session.flush()


def evaluated_applications(call: Call, statuses: Iterable[str] = EVALUATED_STATUSES):
    return db.session.scalars(
        select(Application).where(Application.call_id == call.id,
                                  Application.status.in_(tuple(statuses)))
        .order_by(Application.acronym, Application.id)).all()


def counted_submissions(call: Call) -> dict[int, Submission]:
    """Each application's last submission before the deadline (the one that counts), by id."""
    latest = (
        select(Submission.application_id, func.max(Submission.number).label("number"))
        .join(Application, Application.id == Submission.application_id)
        .where(Application.call_id == call.id, Submission.submitted_at <= call.closes_at)
        .group_by(Submission.application_id).subquery())
    rows = db.session.scalars(select(Submission).join(latest, and_(
        Submission.application_id == latest.c.application_id,
        Submission.number == latest.c.number)))
    return {row.application_id: row for row in rows}


def counted_submission(application: Application) -> Submission:
    call = application.call
    submission = db.session.scalar(
        select(Submission).where(Submission.application_id == application.id,
                                 Submission.submitted_at <= call.closes_at)
        .order_by(Submission.number.desc()).limit(1))
    if submission is None:
        raise NotFound(_("This proposal has no submission before the deadline."))
    return submission


def is_consortium_member(application: Application, user: User) -> bool:
    """The creator, or the contact of a participant who accepted the invitation (an invited
    partner who never accepted is not in the consortium and reads nothing of it)."""
    if application.created_by_id == user.id:
        return True
    return db.session.scalar(select(Participant.id).where(
        Participant.application_id == application.id,
        Participant.contact_user_id == user.id,
        Participant.accepted_at.is_not(None)).limit(1)) is not None


def member_applications_query(user: User):
    return select(Application).where(or_(
        Application.created_by_id == user.id,
        Application.id.in_(select(Participant.application_id).where(
            Participant.contact_user_id == user.id, Participant.accepted_at.is_not(None)))))


def read_scores(criteria: Iterable[Criterion], scores: Mapping[str, object],
                comments: Mapping[str, str], *, complete: bool, min_comment: int,
                ) -> tuple[dict[str, str], dict[str, str]]:
    """Checked scores (as plain strings) and comments for a review or consensus form.

    A draft may leave scores and comments empty; a submitted report needs all of them, each
    comment at least `min_comment` characters. Every problem is reported at once.
    """
    errors: dict[str, str] = {}
    checked_scores: dict[str, str] = {}
    checked_comments: dict[str, str] = {}
    for criterion in criteria:
        value = scores.get(criterion.code)
        raw = "" if value is None else str(value).strip()  # a score of 0 is still a score
        comment = (comments.get(criterion.code) or "").strip()
        if raw:
            try:
                checked_scores[criterion.code] = plain(validate_score(criterion, raw))
            except ValueError as problem:
                errors[f"score_{criterion.code}"] = translate(problem.args[0])
        elif complete:
            errors[f"score_{criterion.code}"] = _("Choose a score.")
        if complete and len(comment) < min_comment:
            errors[f"comment_{criterion.code}"] = (
                _("Write at least %(minimum)s characters (%(count)s so far).",
                  minimum=min_comment, count=len(comment)))
        checked_comments[criterion.code] = comment
    if errors:
        raise FieldErrors(errors)
    return checked_scores, checked_comments
