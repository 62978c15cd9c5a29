"""Assistance centres (chambers, business associations, universities) and their advisers.

The access a firm grants an adviser is `AdviserAccess` in app/applications/models.py: the
applications services consult it on every request, and they may not import this package.
"""

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, User
from app.calls.models import Call
from app.core.database import UTCDateTime, utcnow
from app.core.extensions import db

adviser_calls = Table(
    "adviser_calls", db.metadata,
    Column("adviser_id", ForeignKey("advisers.id", ondelete="CASCADE"), primary_key=True),
    Column("call_id", ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class AssistanceCentre(db.Model):
    """An organisation that helps firms with little ICT knowledge to apply."""

    __tablename__ = "assistance_centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True)
    services: Mapped[str] = mapped_column(Text, default="")  # what the centre offers firms
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    advisers: Mapped[list["Adviser"]] = relationship(back_populates="centre",
                                                     order_by="Adviser.id")


class Adviser(db.Model):
    """An adviser's public profile: the centre, languages, topics and the calls supported."""

    __tablename__ = "advisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("assistance_centres.id"), index=True)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 639-1 codes
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    centre: Mapped[AssistanceCentre] = relationship(back_populates="advisers")
    calls: Mapped[list[Call]] = relationship(secondary=adviser_calls, order_by=Call.reference)
