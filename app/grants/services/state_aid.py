"""De minimis state aid: what each organisation declares it received, and the headroom a
grant's shares must fit in (the pure rule: rules/state_aid.py, reference.md §3).

An organisation's people (users of that organisation) declare the de minimis aid its single
undertaking received, with date, grantor and amount. The headroom on a day counts those
declarations and the de minimis grants prepared in OpenCall for the same organisation, both
within the rolling three years.

Aid is granted when the grant is prepared (the funder's decision), so a preparation judges
the headroom on that day, whatever the grant's start date. Two preparations for the same
undertaking at once would each see the other's share missing: they take a lock on the
organisations (lock_undertakings) before reading what was granted, and the second waits for
the first to commit.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.accounts.models import Organisation, User
from app.core import audit
from app.core.errors import DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.grants.models import DeMinimisDeclaration, Grant, GrantBeneficiary
from app.grants.rules.state_aid import DE_MINIMIS_CEILING, de_minimis_headroom

DE_MINIMIS_CURRENCY = "EUR"  # the regulation's ceiling is in euro


def own_organisation(by: User) -> Organisation:
    organisation = db.session.get(Organisation, by.organisation_id) if by.organisation_id \
        else None
    if organisation is None:
        raise Forbidden(_("Only people of an organisation declare its de minimis aid."))
    return organisation


def declarations_of(organisation_id: int) -> list[DeMinimisDeclaration]:
    return list(db.session.scalars(select(DeMinimisDeclaration).where(
        DeMinimisDeclaration.organisation_id == organisation_id)
        .order_by(DeMinimisDeclaration.granted_on.desc(), DeMinimisDeclaration.id)))


def add_declaration(*, by: User, granted_on: date, grantor: str, amount: Decimal,
                    today: date) -> DeMinimisDeclaration:
    organisation = own_organisation(by)
    grantor = " ".join((grantor or "").split())
    errors = {}
    if not grantor:
        errors["grantor"] = _("Enter who granted the aid.")
    if granted_on > today:
        errors["granted_on"] = _("Aid is declared once granted: this date is in the future.")
    try:
        if amount is None or amount <= 0:
            errors["amount"] = _("Enter the aid's amount in euro, above zero.")
    except InvalidOperation:
        errors["amount"] = _("Enter the aid's amount in euro, above zero.")
    if errors:
        refusal = DomainError(" ".join(errors.values()))
        refusal.errors = errors
        raise refusal
    declaration = DeMinimisDeclaration(organisation_id=organisation.id, granted_on=granted_on,
                                       grantor=grantor[:200], amount=amount,
                                       declared_by_id=by.id)
    db.session.add(declaration)
    db.session.flush()
    audit.record(by, "de_minimis.declared", declaration, {
        "organisation_id": organisation.id, "granted_on": granted_on.isoformat(),
        "grantor": declaration.grantor, "amount": str(amount)})
    return declaration


def withdraw_declaration(declaration_id: int, *, by: User) -> None:
    """Remove a declaration made by mistake; the audit trail keeps what it said."""
    declaration = db.session.get(DeMinimisDeclaration, declaration_id)
    if declaration is None or declaration.organisation_id != by.organisation_id:
        raise NotFound(_("There is no such declaration, or you may not see it."))
    audit.record(by, "de_minimis.withdrawn", declaration, {
        "organisation_id": declaration.organisation_id, "amount": str(declaration.amount),
        "granted_on": declaration.granted_on.isoformat(), "grantor": declaration.grantor})
    db.session.delete(declaration)


def aid_received(organisation_id: int, *, excluding_application_id: int | None = None
                 ) -> list[tuple[date, Decimal]]:
    """(date granted, amount) of every de minimis aid the organisation is known to have:
    its declarations and OpenCall's de minimis grants (dated when prepared)."""
    aid = [(d.granted_on, d.amount) for d in declarations_of(organisation_id)]
    query = (select(Grant.prepared_at, GrantBeneficiary.awarded_amount)
             .join(Grant, Grant.id == GrantBeneficiary.grant_id)
             .where(GrantBeneficiary.organisation_id == organisation_id, Grant.de_minimis))
    if excluding_application_id is not None:
        query = query.where(Grant.application_id != excluding_application_id)
    aid.extend((prepared_at.date(), amount) for prepared_at, amount in db.session.execute(query))
    return aid


def lock_undertakings(organisation_ids) -> None:
    """Serialise de minimis decisions per undertaking until the transaction ends: on
    PostgreSQL the organisations' rows FOR UPDATE, in id order (so two preparations sharing
    several organisations never wait on each other crosswise); SQLite has one writer, taken
    here by an update of the same rows, so the second preparation waits at this point."""
    ids = sorted(set(organisation_ids))
    if not ids:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Organisation.id).where(Organisation.id.in_(ids))
                           .order_by(Organisation.id).with_for_update())
    else:
        db.session.execute(update(Organisation).where(Organisation.id.in_(ids))
                           .values(id=Organisation.id)
                           .execution_options(synchronize_session=False))


@dataclass(frozen=True)
class Headroom:
    organisation: Organisation
    declared: int  # how many declarations the organisation made
    headroom: Decimal  # euro still grantable on the day


def headrooms(participants, *, on: date, application_id: int) -> dict[str, Headroom]:
    """Participant id -> its organisation's de minimis headroom on `on`."""
    found = {}
    for participant in participants:
        organisation = participant.organisation
        aid = aid_received(organisation.id, excluding_application_id=application_id)
        found[str(participant.id)] = Headroom(
            organisation, len(declarations_of(organisation.id)),
            de_minimis_headroom(aid, on, DE_MINIMIS_CEILING))
    return found


def check_shares(participants, amounts: dict[str, Decimal], *, on: date, currency: str,
                 application_id: int) -> dict[str, Decimal]:
    """Each participant's headroom, or a refusal naming every share that breaks it (next to
    that beneficiary's amount field)."""
    if currency != DE_MINIMIS_CURRENCY:
        raise DomainError(_("De minimis aid is counted in euro; this call pays in %(currency)s.",
                            currency=currency), field="de_minimis")
    lock_undertakings(participant.organisation_id for participant in participants)
    room = headrooms(participants, on=on, application_id=application_id)
    errors = {}
    for key, found in room.items():
        if amounts[key] > found.headroom:
            errors[f"beneficiary_{key}"] = _(
                "%(organisation)s's share of EUR %(share)s breaks the de minimis ceiling of EUR "
                "%(ceiling)s: its headroom on %(date)s is EUR %(headroom)s.",
                organisation=found.organisation.name, share=format(amounts[key], ",.2f"),
                ceiling=format(DE_MINIMIS_CEILING, ",.2f"), date=on.isoformat(),
                headroom=format(found.headroom, ",.2f"))
    if errors:
        refusal = DomainError(" ".join(errors.values()))
        refusal.errors = errors
        raise refusal
    return {key: found.headroom for key, found in room.items()}


def check_raised_shares(grant: Grant, shares: dict[str, Decimal], *, on: date) -> None:
    """An amendment raising de minimis shares: each raised share must fit its undertaking's
    headroom on `on`, counted like a new grant (every other aid in the three rolling years,
    under the same lock as preparations), not the headroom recorded when it was prepared."""
    raised = [b for b in grant.beneficiaries if shares[str(b.id)] > b.awarded_amount]
    lock_undertakings(b.organisation_id for b in raised)
    for beneficiary in raised:
        aid = aid_received(beneficiary.organisation_id,
                           excluding_application_id=grant.application_id)
        room = de_minimis_headroom(aid, on, DE_MINIMIS_CEILING)
        if shares[str(beneficiary.id)] > room:
            raise DomainError(_(
                "%(organisation)s's share of EUR %(share)s breaks the de minimis ceiling of EUR "
                "%(ceiling)s: its headroom on %(date)s is EUR %(headroom)s.",
                organisation=beneficiary.organisation.name,
                share=format(shares[str(beneficiary.id)], ",.2f"),
                ceiling=format(DE_MINIMIS_CEILING, ",.2f"), date=on.isoformat(),
                headroom=format(room, ",.2f")))
