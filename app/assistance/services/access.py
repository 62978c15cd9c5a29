"""A firm grants an adviser access to its applications, revokes it, and reads what they did."""

from flask_babel import gettext as _
from sqlalchemy import String, and_, cast, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.applications.models import AdviserAccess, AdviserLevel, Application, Participant
from app.assistance.models import Adviser, AssistanceCentre
from app.core import audit
from app.core.audit import AuditEvent
from app.core.database import utcnow
from app.core.errors import Conflict, DomainError, NotFound
from app.core.extensions import db
from app.core.i18n import mail_language
from app.core.links import public_url
from app.core.mail import send_mail


def _firm_of(by: User) -> int:
    if by.organisation_id is None:
        raise DomainError(_("Your account has no organisation."))
    return by.organisation_id


def grants_of_firm(*, by: User) -> list[AdviserAccess]:
    """Every grant the firm made, active ones first (revoked ones stay as its record)."""
    firm = _firm_of(by)
    return list(db.session.scalars(
        select(AdviserAccess).where(AdviserAccess.organisation_id == firm)
        .options(joinedload(AdviserAccess.adviser), joinedload(AdviserAccess.granted_by))
        .order_by(AdviserAccess.revoked_at.is_not(None), AdviserAccess.granted_at.desc())))


def grant_access(*, by: User, adviser_id: int, level: str) -> AdviserAccess:
    """Let an adviser (an Adviser profile id) into the firm's applications."""
    firm = _firm_of(by)
    if level not in set(AdviserLevel):
        raise DomainError(_("Choose read, or read and edit drafts."), field="level")
    adviser = db.session.scalar(select(Adviser).where(Adviser.id == adviser_id).options(
        joinedload(Adviser.user), joinedload(Adviser.centre).joinedload(
            AssistanceCentre.organisation)))
    if adviser is None or not adviser.user.is_active:
        raise DomainError(_("Choose an adviser from the list."), field="adviser_id")
    if adviser.centre.organisation_id == firm:
        raise DomainError(_("Your own organisation's advisers need no access grant."),
                          field="adviser_id")
    name = adviser.user.name  # read now: a failed flush expires every loaded object
    access = AdviserAccess(organisation_id=firm, adviser_id=adviser.user_id, level=level,
                           granted_by_id=by.id)
    db.session.add(access)
    try:
        db.session.flush()
    except IntegrityError:  # the partial unique key: one active grant per adviser
        raise Conflict(_("%(name)s already has access; revoke it first to change the level.",
                         name=name), field="adviser_id") from None
    with mail_language(adviser.user):
        send_mail(adviser.user.email, _("%(organisation)s gave you access on OpenCall",
                                        organisation=by.organisation.name), _(
            "Hello %(name)s,\n\n%(by)s of %(organisation)s gave you %(level)s access to their "
            "applications.\n%(link)s\n", name=adviser.user.name, by=by.name,
            organisation=by.organisation.name, level=str(AdviserLevel(level).label).lower(),
            link=public_url("assistance.dashboard")))
    audit.record(by, "assistance.access_granted", access,
                 {"adviser": adviser.user_id, "level": level, "organisation": firm})
    return access


def revoke_access(access_id: int, *, by: User) -> AdviserAccess:
    """Ends at once: the applications services check the grant on every request."""
    firm = _firm_of(by)
    access = db.session.get(AdviserAccess, access_id)
    if access is None or access.organisation_id != firm:
        raise NotFound(_("There is no such access grant of your organisation."))
    changed = db.session.execute(
        AdviserAccess.__table__.update()
        .where(AdviserAccess.id == access.id, AdviserAccess.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_by_id=by.id)).rowcount
    if not changed:
        raise Conflict(_("This access was already revoked."))
    db.session.refresh(access)
    audit.record(by, "assistance.access_revoked", access,
                 {"adviser": access.adviser_id, "organisation": firm})
    return access


def firm_audit(*, by: User, page: int = 1, per_page: int = 30):
    """What advisers did in the firm's applications, and the grants and revocations."""
    firm = _firm_of(by)
    advisers = select(AdviserAccess.adviser_id).where(AdviserAccess.organisation_id == firm)
    # Audit targets are stored as text, so the ids are compared as text on both databases.
    applications = (select(cast(Participant.application_id, String))
                    .where(Participant.organisation_id == firm))
    grants = select(cast(AdviserAccess.id, String)).where(AdviserAccess.organisation_id == firm)
    query = (select(AuditEvent).options(joinedload(AuditEvent.actor)).where(or_(
        and_(AuditEvent.actor_id.in_(advisers), AuditEvent.target_type == "applications",
             AuditEvent.target_id.in_(applications)),
        and_(AuditEvent.target_type == "adviser_access", AuditEvent.target_id.in_(grants))))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def application_names(ids: list[str]) -> dict[str, str]:
    """Acronyms of the applications an audit page mentions, by id as text."""
    numbers = [int(i) for i in ids if i and i.isdigit()]
    if not numbers:
        return {}
    return {str(i): a for i, a in db.session.execute(
        select(Application.id, Application.acronym).where(Application.id.in_(numbers)))}
