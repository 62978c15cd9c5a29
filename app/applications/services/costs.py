"""Budget lines: each partner adds, changes and removes its own; indirect costs are computed."""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from app.accounts.models import User
from app.applications.models import Application, BudgetLineRow
from app.applications.services.applications import (
    check_version,
    get_application,
    require_editable,
    save_changes,
)
from app.applications.services.consortium import own_participant
from app.calls.models import Call
from app.calls.rules.finance import INDIRECT_CATEGORY, CostCategory, ICTCategory, validate_amount
from app.core import audit
from app.core.errors import DomainError, Forbidden, NotFound
from app.core.i18n import translate


@dataclass(frozen=True)
class BudgetLineData:
    category: str
    ict_category: str
    amount: Decimal
    open_source: bool = False
    description: str = ""


def ict_choices(call: Call) -> list[str]:
    """The call's ICT categories, plus "other" for costs that serve none of them."""
    codes = [code for code in (call.ict_categories or []) if code in set(ICTCategory)]
    return [*dict.fromkeys([*codes, ICTCategory.OTHER.value])]


def _validate(call: Call, data: BudgetLineData) -> BudgetLineData:
    if data.category == INDIRECT_CATEGORY:
        raise DomainError(_("Indirect costs (E) are computed from the direct costs; do not enter "
                            "them."), field="category")
    if data.category not in set(CostCategory):
        raise DomainError(_("Choose a cost category A to D."), field="category")
    if data.ict_category not in ict_choices(call):
        raise DomainError(_("Choose one of the call's ICT categories."), field="ict_category")
    try:
        validate_amount(data.amount)
    except ValueError as problem:
        raise DomainError(translate(problem.args[0]), field="amount") from None
    if len(data.description) > 300:
        raise DomainError(_("Keep the description under 300 characters."), field="description")
    return data


def add_line(application_id: int, participant_id: int, *, by: User, data: BudgetLineData,
             expected_version) -> BudgetLineRow:
    application = get_application(application_id, by=by)
    participant = own_participant(application, participant_id, by)
    require_editable(application)
    check_version(application, expected_version)
    data = _validate(application.call, data)
    line = BudgetLineRow(category=data.category, ict_category=data.ict_category,
                         amount=validate_amount(data.amount), open_source=data.open_source,
                         description=data.description.strip())
    participant.budget_lines.append(line)
    save_changes(application)
    audit.record(by, "application.budget_line_added", application,
                 {"participant": participant.id, "category": line.category,
                  "amount": str(line.amount)})
    return line


def own_line(application: Application, line_id: int, by: User) -> BudgetLineRow:
    """A line of the user's own organisation; 404 if not in this application, 403 if another's."""
    for participant in application.participants:
        for line in participant.budget_lines:
            if line.id == line_id:
                if not participant.is_accepted or participant.contact_user_id != by.id:
                    raise Forbidden(_("You can change only your own organisation's budget."))
                return line
    raise NotFound(_("There is no such budget line in this application."))


def get_own_line(application_id: int, line_id: int, *, by: User) -> tuple[Application,
                                                                           BudgetLineRow]:
    application = get_application(application_id, by=by)
    return application, own_line(application, line_id, by)


def update_line(application_id: int, line_id: int, *, by: User, data: BudgetLineData,
                expected_version) -> BudgetLineRow:
    application, line = get_own_line(application_id, line_id, by=by)
    require_editable(application)
    check_version(application, expected_version)
    data = _validate(application.call, data)
    line.category, line.ict_category = data.category, data.ict_category
    line.amount, line.open_source = validate_amount(data.amount), data.open_source
    line.description = data.description.strip()
    save_changes(application)
    audit.record(by, "application.budget_line_changed", application,
                 {"line": line.id, "amount": str(line.amount)})
    return line


def delete_line(application_id: int, line_id: int, *, by: User, expected_version) -> None:
    application, line = get_own_line(application_id, line_id, by=by)
    require_editable(application)
    check_version(application, expected_version)
    line.participant.budget_lines.remove(line)
    save_changes(application)
    audit.record(by, "application.budget_line_removed", application, {"line": line_id})
