"""Funders' open-data identities: the registered 360Giving prefix and the org-id."""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import Funder, Role, User
from app.core import audit
from app.core.errors import DomainError, Forbidden, NotFound
from app.core.extensions import db
from app.opendata.models import FunderIdentity
from app.opendata.rules.threesixtygiving import PrefixError, check_prefix

ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z0-9]+-[A-Za-z0-9._/-]+$")


@dataclass(frozen=True)
class FunderRow:
    funder: Funder
    identity: FunderIdentity | None


def list_funder_identities(*, by: User) -> list[FunderRow]:
    if not by.has_role(Role.admin):
        raise Forbidden(_("Only an administrator manages open-data identities."))
    identities = {row.funder_id: row for row in db.session.scalars(select(FunderIdentity))}
    funders = db.session.scalars(select(Funder).order_by(Funder.name))
    return [FunderRow(funder, identities.get(funder.id)) for funder in funders]


def get_identity(funder_id: int, *, by: User) -> FunderRow:
    row = next((r for r in list_funder_identities(by=by) if r.funder.id == funder_id), None)
    if row is None:
        raise NotFound(_("There is no such funder."))
    return row


def set_identity(funder_id: int, *, by: User, grant_prefix: str, org_id: str | None
                 ) -> FunderIdentity:
    row = get_identity(funder_id, by=by)
    try:
        prefix = check_prefix(grant_prefix.strip())
    except PrefixError as error:
        raise DomainError(str(error), field="grant_prefix") from None
    org_id = (org_id or "").strip() or None
    if org_id and not ORG_ID.match(org_id):
        raise DomainError(_("An org-id is a list code and an identifier, e.g. XI-PIC-999999999 "
                            "or GB-CHC-1234567."), field="org_id")
    identity = row.identity or FunderIdentity(funder_id=funder_id, grant_prefix=prefix)
    identity.grant_prefix, identity.org_id = prefix, org_id
    db.session.add(identity)
    db.session.flush()
    audit.record(by, "opendata.identity_set", identity,
                 {"funder_id": funder_id, "grant_prefix": prefix, "org_id": org_id})
    return identity
