"""The grant agreement as a PDF — parties, shares, rates, schedule, ICT-investment plan —
made once, stored, and fingerprinted (SHA-256), so that the coordinator's acceptance and the
officer's signature each record which document they agreed to.

The document is made when someone first asks for it (downloading it, accepting the grant)
and is the same bytes for everyone afterwards: rendering again (in another locale, or after
a template change) never changes what was accepted.
"""

import hashlib

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from app.calls.labels import COST_CATEGORY_NAMES, ICT_CATEGORY_NAMES
from app.calls.rules.finance import PaymentModel
from app.core import storage
from app.core.database import utcnow
from app.core.errors import Conflict, NotFound
from app.core.extensions import db
from app.core.pdf import render_pdf
from app.grants.labels import AMENDMENT_KIND_NAMES, INSTALLMENT_KIND_NAMES
from app.grants.models import Grant, GrantAmendment
from app.grants.rules.agreement import ict_plan
from app.grants.rules.payments import payment_schedule
from app.grants.services.budgets import plan_lines_of


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _render(grant: Grant, amendment: GrantAmendment | None = None) -> bytes:
    """The agreement as signed, or (`amendment`) as amended: the version it made, from when,
    and the amendments accepted up to it."""
    history = [] if amendment is None else list(db.session.scalars(
        select(GrantAmendment).where(GrantAmendment.grant_id == grant.id,
                                     GrantAmendment.version <= amendment.version)
        .order_by(GrantAmendment.version)))
    schedule = payment_schedule(grant.awarded_amount,
                                PaymentModel.from_dict(grant.payment_model or {}),
                                start=grant.start_date, duration_months=grant.duration_months)
    plan_rows, plan_total = ict_plan(plan_lines_of(grant.plan_lines))
    # One document for both parties, whoever opens it first: in the deployment's language
    # (BABEL_DEFAULT_LOCALE), not in the language of the person who happened to ask.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return render_pdf("pdf/grant_agreement.html", grant=grant, schedule=schedule,
                          plan_rows=plan_rows, plan_total=plan_total, made_at=utcnow(),
                          ict_labels=ICT_CATEGORY_NAMES, cost_labels=COST_CATEGORY_NAMES,
                          kind_labels=INSTALLMENT_KIND_NAMES, amendment=amendment,
                          amendments=history, kind_names=AMENDMENT_KIND_NAMES)


def agreement_document(grant: Grant) -> bytes:
    """The grant's agreement PDF, made and stored on first use; refused if the stored file
    no longer matches its fingerprint."""
    if grant.agreement_storage_key:
        data = storage.read(grant.agreement_storage_key)
        if fingerprint(data) != grant.agreement_sha256:
            raise Conflict(_("The stored grant agreement does not match its SHA-256 "
                           "fingerprint; nothing was accepted or signed. Tell an administrator."))
        return data
    data = _render(grant)
    key = storage.new_key("agreements", ".pdf")
    digest = storage.save(key, data, owner="agreement")
    # Two first requests at once: the first stored document is the document.
    if db.session.execute(update(Grant).where(
            Grant.id == grant.id, Grant.agreement_storage_key.is_(None))
            .values(agreement_storage_key=key, agreement_sha256=digest)
            .execution_options(synchronize_session=False)).rowcount != 1:
        storage.discard(key)
    db.session.expire(grant, ["agreement_storage_key", "agreement_sha256"])
    return agreement_document(grant) if grant.agreement_storage_key != key else data


def store_amended_agreement(grant: Grant, amendment: GrantAmendment) -> None:
    """At acceptance (the caller holds the grant lock and has applied the amendment): the
    agreement of the new version, stored, and its SHA-256 recorded on the amendment."""
    data = _render(grant, amendment)
    key = storage.new_key("agreements", ".pdf")
    amendment.document_storage_key = key
    amendment.document_sha256 = storage.save(key, data, owner="agreement")


def amended_agreement_document(amendment: GrantAmendment) -> bytes:
    """The stored agreement of the version `amendment` made; refused if it no longer
    matches its fingerprint."""
    if not amendment.document_storage_key:
        raise NotFound(_("This amendment has no amended agreement."))
    data = storage.read(amendment.document_storage_key)
    if fingerprint(data) != amendment.document_sha256:
        raise Conflict(_("The stored amended agreement does not match its SHA-256 "
                         "fingerprint. Tell an administrator."))
    return data
