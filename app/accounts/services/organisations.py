"""An organisation's own declarations: its country, who controls it, its SME figures."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from app.accounts.models import ControlStatus, Organisation
from app.accounts.rules.sme import SmeAssessment, assess_sme
from app.core.classifications import COUNTRIES
from app.core.errors import DomainError
from app.core.extensions import db

MAX_SME_NOTE = 1000
FIRST_FIGURES_YEAR = 1990


class FiguresRefused(DomainError):
    """Several problems with the figures; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        field, message = next(iter(errors.items()))
        super().__init__(message, field=field)
        self.errors = errors


def check_country(code: str) -> str:
    """An ISO 3166-1 alpha-2 code (or XK, Kosovo) in capitals; DomainError otherwise."""
    code = (code or "").strip().upper()
    if code not in COUNTRIES:
        raise DomainError(_("Choose the country from the list."), field="country")
    return code


@dataclass(frozen=True)
class SmeFigures:
    """Figures for one closed financial year, in EUR (Recommendation 2003/361/EC)."""

    staff_headcount: int | None = None
    annual_turnover_amount: Decimal | None = None
    balance_sheet_amount: Decimal | None = None
    sme_figures_year: int | None = None
    sme_figures_note: str | None = None

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, name) in (None, "") for name in self.__dataclass_fields__)


def _checked(figures: SmeFigures, today: date) -> SmeFigures:
    """Every problem at once, each on its field; empty figures are allowed (not assessed)."""
    if figures.is_empty:
        return figures
    errors: dict[str, str] = {}
    if figures.staff_headcount is None:
        errors["staff_headcount"] = _("Enter the staff headcount (annual work units).")
    elif not 0 <= figures.staff_headcount <= 10_000_000:
        errors["staff_headcount"] = _("Enter a headcount of 0 or more.")
    if figures.annual_turnover_amount is None and figures.balance_sheet_amount is None:
        errors["annual_turnover_amount"] = _("Enter the turnover, the balance-sheet total or both.")
    for name in ("annual_turnover_amount", "balance_sheet_amount"):
        amount = getattr(figures, name)
        if amount is not None and amount < 0:
            errors[name] = _("Enter an amount of 0 or more.")
    year = figures.sme_figures_year
    if year is None:
        errors["sme_figures_year"] = _("Enter the year the figures are for.")
    elif not FIRST_FIGURES_YEAR <= year <= today.year:
        errors["sme_figures_year"] = _(
            "Enter a year from %(first)d to %(last)d, the last closed financial year.",
            first=FIRST_FIGURES_YEAR, last=today.year)
    if figures.sme_figures_note and len(figures.sme_figures_note) > MAX_SME_NOTE:
        errors["sme_figures_note"] = _("Keep the note under %(count)d characters.",
                                          count=MAX_SME_NOTE)
    if errors:
        raise FiguresRefused(errors)
    return figures


def apply_sme_figures(organisation: Organisation, figures: SmeFigures, *,
                      today: date) -> SmeAssessment:
    """Store the figures and derive is_sme and sme_size from them (never declared directly)."""
    figures = _checked(figures, today)
    organisation.staff_headcount = figures.staff_headcount
    organisation.annual_turnover_amount = figures.annual_turnover_amount
    organisation.balance_sheet_amount = figures.balance_sheet_amount
    organisation.sme_figures_year = figures.sme_figures_year
    organisation.sme_figures_note = (figures.sme_figures_note or "").strip() or None
    assessment = sme_assessment(organisation)
    organisation.is_sme = assessment.is_sme
    organisation.sme_size = assessment.size if assessment.is_sme else None
    return assessment


def sme_assessment(organisation: Organisation) -> SmeAssessment:
    return assess_sme(organisation.staff_headcount, organisation.annual_turnover_amount,
                      organisation.balance_sheet_amount)


def controllers_within_reach(organisation: Organisation, controller_id: int | None) -> None:
    """The controller must exist, differ from the organisation and not be controlled by it
    (directly or further down), or control would go round in a circle."""
    if controller_id is None:
        return
    if controller_id == organisation.id:
        raise DomainError(_("An organisation cannot control itself."), field="controller_id")
    seen: set[int] = set()
    current = db.session.get(Organisation, controller_id)
    if current is None:
        raise DomainError(_("Choose an organisation registered on OpenCall."),
                          field="controller_id")
    while current is not None and current.id not in seen:
        if current.controller_id == organisation.id:
            raise DomainError(_("This organisation is controlled by yours: control cannot go "
                                "both ways."), field="controller_id")
        seen.add(current.id)
        current = current.controller


def apply_control(organisation: Organisation, status: str, controller_id: int | None) -> None:
    """Record who controls the organisation; a public owner is kept, but it is not control."""
    try:
        status = ControlStatus(status)
    except ValueError:
        raise DomainError(_("Choose one of the listed answers."), field="control_status") from None
    if status == ControlStatus.CONTROLLED and controller_id is None:
        raise DomainError(_("Choose the controlling organisation."), field="controller_id")
    if status in (ControlStatus.NONE, ControlStatus.UNDECLARED):
        controller_id = None
    controllers_within_reach(organisation, controller_id)
    organisation.control_status = status
    organisation.controller_id = controller_id
