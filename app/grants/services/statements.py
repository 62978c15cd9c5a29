"""A grant's payment statement as PDF: schedule, payments made, and what remains."""

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.calls.labels import ICT_CATEGORY_NAMES
from app.core.charts import bar_chart
from app.core.database import utcnow
from app.core.extensions import db
from app.core.pdf import render_pdf
from app.grants.labels import AMENDMENT_KIND_NAMES
from app.grants.models import Grant, GrantAmendment, GrantBeneficiary
from app.grants.rules.amendments import AmendmentStatus
from app.grants.services.amendment_history import amendments_of, shares_on
from app.grants.services.tracking import grant_records, grant_tracking


def accepted_amendments(grant: Grant) -> list[GrantAmendment]:
    """The grant's versions after the agreement, oldest first (what a document lists)."""
    return sorted((a for a in amendments_of(grant) if a.status == AmendmentStatus.ACCEPTED),
                  key=lambda a: a.version)


def payment_statement_pdf(grant: Grant) -> bytes:
    """Render the statement; the caller has already checked that the user may see the grant."""
    _, disbursements = grant_records(grant)
    beneficiaries = db.session.scalars(
        select(GrantBeneficiary).where(GrantBeneficiary.grant_id == grant.id)
        .options(selectinload(GrantBeneficiary.organisation))
        .order_by(GrantBeneficiary.id)).all()
    tracking = grant_tracking(grant)
    produced_at = utcnow()
    # The shares of the version in force on the statement's date, not the latest figures.
    version, shares = shares_on(grant, produced_at.date())
    paid_by_ict = {code: f.paid for code, f in sorted(tracking.by_ict.items()) if f.paid}
    chart = bar_chart(
        gettext("Paid by ICT category"),
        [str(ICT_CATEGORY_NAMES.get(c, c)) for c in paid_by_ict],
        {gettext("Paid"): list(paid_by_ict.values())}, currency=grant.call.currency,
    ) if paid_by_ict else None
    return render_pdf("pdf/grants_statement.html", grant=grant, beneficiaries=beneficiaries,
                      disbursements=disbursements, tracking=tracking, chart=chart,
                      ict_labels=ICT_CATEGORY_NAMES, produced_at=produced_at,
                      version=version, shares=shares,
                      amendments=[a for a in accepted_amendments(grant)
                                  if a.valid_from <= produced_at.date()],
                      kind_names=AMENDMENT_KIND_NAMES)
