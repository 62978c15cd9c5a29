"""Users, roles, sessions, organisations and funders."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.database import Money, UTCDateTime, utcnow
from app.core.extensions import db


class Role(StrEnum):
    admin = "admin"
    programme_officer = "programme_officer"
    finance_officer = "finance_officer"
    evaluator = "evaluator"
    applicant = "applicant"
    organiser = "organiser"  # staff of an institution who run its matchmaking events
    adviser = "adviser"  # works for an assistance centre and helps firms apply

    @property
    def label(self) -> str:
        """The role's name in the language of the page or e-mail being made (English outside
        a request): a plain str, so that it may be joined and stored."""
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.admin: _l("Admin"),
    Role.programme_officer: _l("Programme officer"),
    Role.finance_officer: _l("Finance officer"),
    Role.evaluator: _l("Evaluator"),
    Role.applicant: _l("Applicant"),
    Role.organiser: _l("Event organiser"),
    Role.adviser: _l("Adviser (assistance centre)"),
}


# The roles that work for one funder (User.funder_id says which).
FUNDER_STAFF_ROLES = (Role.programme_officer, Role.finance_officer)


class Funder(db.Model):
    """An institution that owns calls; its officers see only its calls."""

    __tablename__ = "funders"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(2))
    website: Mapped[str | None] = mapped_column(String(300))


class ControlStatus(StrEnum):
    """What an organisation declares about who controls it (reference.md 1, independence)."""

    UNDECLARED = "undeclared"
    NONE = "none"  # nobody holds > 50 % of capital or votes, nor de-facto decision power
    CONTROLLED = "controlled"  # by the organisation in controller_id
    PUBLIC_OWNER = "public_owner"  # owned by a public body or public investor: not control

    @property
    def label(self) -> str:
        return str(CONTROL_STATUS_LABELS[self])  # in the current language


CONTROL_STATUS_LABELS = {
    ControlStatus.UNDECLARED: _l("Not declared yet"),
    ControlStatus.NONE: _l("No controlling organisation"),
    ControlStatus.CONTROLLED: _l("Controlled by another organisation"),
    ControlStatus.PUBLIC_OWNER: _l("Owned by a public body or public investor (not control)"),
}


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("controller_id IS NULL OR controller_id != id",
                        name="not_its_own_controller"),
        CheckConstraint("control_status != 'controlled' OR controller_id IS NOT NULL",
                        name="controlled_names_its_controller"),
        CheckConstraint("staff_headcount IS NULL OR staff_headcount >= 0",
                        name="headcount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(2))
    org_type: Mapped[str] = mapped_column(String(3))
    is_sme: Mapped[bool] = mapped_column(Boolean, default=False)
    sme_size: Mapped[str | None] = mapped_column(String(10))
    nace_code: Mapped[str | None] = mapped_column(String(10))
    nace_revision: Mapped[str | None] = mapped_column(String(4))
    fields_of_science: Mapped[list[str]] = mapped_column(JSON, default=list)
    identifier: Mapped[str | None] = mapped_column(String(40), unique=True)
    controller_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    control_status: Mapped[str] = mapped_column(String(12), default=ControlStatus.UNDECLARED,
                                                server_default=ControlStatus.UNDECLARED.value)
    # SME figures (Recommendation 2003/361/EC) for one closed year, in EUR; is_sme and
    # sme_size are derived from them (accounts/rules/sme.py) whenever they are saved.
    staff_headcount: Mapped[int | None] = mapped_column(Integer)
    annual_turnover_amount: Mapped[Decimal | None] = mapped_column(Money)
    balance_sheet_amount: Mapped[Decimal | None] = mapped_column(Money)
    sme_figures_year: Mapped[int | None] = mapped_column(Integer)
    # How partner and linked enterprises were added in (declared, never computed here).
    sme_figures_note: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    competencies: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    controller: Mapped["Organisation | None"] = relationship(remote_side=[id])


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique key is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active_account: Mapped[bool] = mapped_column("is_active", Boolean, default=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    funder_id: Mapped[int | None] = mapped_column(ForeignKey("funders.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when someone registers themselves, cleared when they open the emailed link: until
    # then the account may sign in but do nothing else. Staff and invited accounts received
    # their first link by e-mail, which already proved the address.
    email_unverified_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language chosen for pages, e-mails and PDFs; None: the browser's (app/core/i18n.py).
    locale: Mapped[str | None] = mapped_column(String(16))

    organisation: Mapped[Organisation | None] = relationship()
    funder: Mapped[Funder | None] = relationship()
    role_rows: Mapped[list["UserRole"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(row.role) for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def is_staff_of(self, funder_id: int | None, *roles: Role) -> bool:
        """Works for this funder: holds one of `roles` (default: programme or finance
        officer) and belongs to it. Admins are not staff of any funder by this test."""
        return (funder_id is not None and self.funder_id == funder_id
                and self.has_role(*(roles or FUNDER_STAFF_ROLES)))

    def grant(self, role: Role) -> None:
        if role not in self.roles:
            self.role_rows.append(UserRole(role=role.value))


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(30))


class UserSession(db.Model):
    """A server-side login session: logout revokes it, so a replayed cookie is refused."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class SecondFactor(db.Model):
    """A user's TOTP authenticator (RFC 6238). Unconfirmed while enrolling; `last_step` is
    the time step of the last code accepted, so that no code is accepted twice."""

    __tablename__ = "second_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         unique=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_step: Mapped[int | None] = mapped_column(Integer)


class RecoveryCode(db.Model):
    """One of a user's one-time recovery codes, stored hashed; used once, then spent."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(db.Model):
    """One failed login, kept in the database so throttling holds across processes."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Invitation(db.Model):
    """A staff or evaluator invitation; the emailed link carries a signed token for it."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(30))
    funder_id: Mapped[int | None] = mapped_column(ForeignKey("funders.id"), index=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    funder: Mapped[Funder | None] = relationship()
