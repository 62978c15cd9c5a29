"""An organisation's independence and SME status, declared on its directory profile."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import ControlStatus, Organisation, User
from app.accounts.rules.sme import SmeAssessment
from app.accounts.services.organisations import (
    SmeFigures,
    apply_control,
    apply_sme_figures,
    sme_assessment,
)
from app.core import audit
from app.core.database import utcnow
from app.core.errors import DomainError, Forbidden
from app.core.extensions import db
from app.directory.services.profiles import can_edit, get_organisation


@dataclass(frozen=True)
class StatusData:
    control_status: str
    controller_identifier: str | None  # VAT number or PIC of an organisation on OpenCall
    figures: SmeFigures


def own_organisation(organisation_id: int, *, by: User) -> Organisation:
    """The organisation, for its own people; everyone may know it exists (the directory
    lists it), so others get 403."""
    organisation = get_organisation(organisation_id)
    if not can_edit(by, organisation.id):
        raise Forbidden(_("Only people of this organisation may declare its status."))
    return organisation


def find_by_identifier(identifier: str) -> Organisation | None:
    """The organisation with this VAT number or PIC (case and spaces ignored)."""
    wanted = "".join(identifier.split()).upper()
    return db.session.scalar(select(Organisation).where(
        func.upper(func.replace(Organisation.identifier, " ", "")) == wanted))


def _controller_id(organisation: Organisation, data: StatusData) -> int | None:
    identifier = (data.controller_identifier or "").strip()
    if data.control_status in (ControlStatus.NONE, ControlStatus.UNDECLARED) or not identifier:
        return None
    controller = find_by_identifier(identifier)
    if controller is None:
        raise DomainError(_("No organisation on OpenCall has this VAT number or PIC: ask it to "
                            "register first."), field="controller_identifier")
    if controller.id == organisation.id:
        raise DomainError(_("Enter the identifier of the organisation that controls yours, not "
                            "your own."), field="controller_identifier")
    return controller.id


def update_status(organisation_id: int, *, by: User, data: StatusData) -> SmeAssessment:
    """Save who controls the organisation and its SME figures; only its own people may."""
    organisation = own_organisation(organisation_id, by=by)
    try:
        controller_id = _controller_id(organisation, data)
        apply_control(organisation, data.control_status, controller_id)
    except DomainError as error:
        if error.field == "controller_id":  # the form asks for the identifier instead
            error.field = "controller_identifier"
        raise
    assessment = apply_sme_figures(organisation, data.figures, today=utcnow().date())
    db.session.flush()
    audit.record(by, "directory.status_updated", organisation, {
        "control_status": organisation.control_status,
        "controller_id": organisation.controller_id,
        "sme_size": assessment.size, "figures_year": organisation.sme_figures_year})
    return assessment


@dataclass(frozen=True)
class StatusView:
    organisation: Organisation
    controller: Organisation | None
    assessment: SmeAssessment


def status_of(organisation_id: int) -> StatusView:
    organisation = get_organisation(organisation_id)
    return StatusView(organisation, organisation.controller, sme_assessment(organisation))
