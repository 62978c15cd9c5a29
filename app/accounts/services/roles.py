"""Role changes by administrators (audited; the page asks for a fresh second factor)."""

from flask_babel import gettext as _

from app.accounts.models import Role, User
from app.core import audit
from app.core.errors import DomainError, Forbidden, NotFound
from app.core.extensions import db

# The roles set on the user page; applicant and adviser come with an organisation or an
# assistance centre (registration, appointment) and are kept as they are.
ASSIGNABLE_ROLES = (Role.admin, Role.programme_officer, Role.finance_officer, Role.evaluator,
                    Role.organiser)
_INSTITUTION_ROLES = {Role.programme_officer, Role.finance_officer, Role.organiser}


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("This user does not exist."))
    return user


def change_roles(*, by: User, user: User, roles: set[Role]) -> None:
    if not by.has_role(Role.admin):
        raise Forbidden(_("Only administrators change roles."))
    if not roles <= set(ASSIGNABLE_ROLES):
        raise DomainError(_("Choose among the staff roles."), field="roles")
    if by.id == user.id and Role.admin not in roles:
        raise DomainError(_("You cannot take away your own admin role; ask another "
                            "administrator."), field="roles")
    if roles & _INSTITUTION_ROLES and user.funder_id is None:
        raise DomainError(_("Officers and organisers belong to an institution, and this user "
                            "has none."), field="roles")
    before = sorted(user.roles)
    kept = [row for row in user.role_rows if Role(row.role) not in ASSIGNABLE_ROLES]
    user.role_rows[:] = kept
    db.session.flush()  # the removed rows go before the same roles may be added back
    for role in sorted(roles):
        user.grant(role)
    after = sorted(user.roles)
    if before != after:
        audit.record(by, "account.roles_changed", user, {"before": before, "after": after})
