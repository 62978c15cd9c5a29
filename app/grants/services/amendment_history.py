"""What amendments did to a grant: their history, the version in force on a day and its
shares, each beneficiary's share and floor, and which side a user speaks for (read only;
services/amendments.py proposes and decides)."""

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import Role, User
from app.core.extensions import db
from app.grants.models import Grant, GrantAmendment, GrantShareVersion
from app.grants.rules import amendments as rule
from app.grants.rules.amendments import AmendmentStatus, Side
from app.grants.services import shares as positions
from app.grants.services.permissions import is_coordinator


def side_of(user: User, grant: Grant) -> Side | None:
    """Which party `user` speaks for: the funder's programme officer or the coordinator."""
    if user.is_staff_of(grant.call.funder_id, Role.programme_officer):
        return Side.FUNDER
    if is_coordinator(user, grant):
        return Side.CONSORTIUM
    return None


def amendments_of(grant: Grant, *, with_people: bool = False) -> list[GrantAmendment]:
    """`with_people`: who proposed and decided them, in one more statement (not one a row)."""
    history = list(db.session.scalars(select(GrantAmendment).where(
        GrantAmendment.grant_id == grant.id).order_by(GrantAmendment.id)))
    ids = ({a.proposed_by_id for a in history} | {a.decided_by_id for a in history}) - {None}
    if with_people and history:
        people = {user.id: user for user in db.session.scalars(
            select(User).where(User.id.in_(ids)).options(lazyload(User.role_rows)))}
        for amendment in history:
            set_committed_value(amendment, "proposed_by", people[amendment.proposed_by_id])
            set_committed_value(amendment, "decided_by", people.get(amendment.decided_by_id))
    return history


def open_proposal(grant: Grant) -> GrantAmendment | None:
    return db.session.scalar(select(GrantAmendment).where(
        GrantAmendment.grant_id == grant.id, GrantAmendment.status == AmendmentStatus.PROPOSED))


def current_version(grant: Grant) -> int:
    latest = db.session.scalar(select(func.max(GrantAmendment.version)).where(
        GrantAmendment.grant_id == grant.id))
    return latest or rule.FIRST_VERSION


def states(grant: Grant) -> dict[str, rule.ShareState]:
    """Each beneficiary's share in force and its floor: paid plus promised by payable
    installments (callers that act on it hold the grant lock)."""
    committed = positions.committed_by_beneficiary(grant)
    result = {}
    for beneficiary in grant.beneficiaries:
        db.session.refresh(beneficiary)
        key = str(beneficiary.id)
        result[key] = rule.ShareState(
            beneficiary.organisation.name, beneficiary.awarded_amount,
            beneficiary.disbursed_amount + committed.get(key, Decimal("0.00")),
            active=beneficiary.left_on is None)
    return result


def shares_on(grant: Grant, on: date) -> tuple[int, dict[str, Decimal]]:
    """The version in force on `on` and its shares (beneficiary id -> share)."""
    rows = db.session.execute(select(GrantShareVersion.version, GrantShareVersion.valid_from,
                                     GrantShareVersion.beneficiary_id, GrantShareVersion.share)
                              .where(GrantShareVersion.grant_id == grant.id)).all()
    versions: dict[int, tuple[date, dict[str, Decimal]]] = {}
    for number, valid_from, beneficiary_id, share in rows:
        versions.setdefault(number, (valid_from, {}))[1][str(beneficiary_id)] = share
    if not versions:  # never amended: the agreement's shares are those in force
        return rule.FIRST_VERSION, {str(b.id): b.awarded_amount for b in grant.beneficiaries}
    found = rule.shares_in_force([(n, v[0], v[1]) for n, v in versions.items()], on)
    return found or (rule.FIRST_VERSION, versions[rule.FIRST_VERSION][1])
