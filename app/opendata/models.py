"""Funders' open-data identities, published OCDS releases and the record of each publication."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Funder
from app.core.database import UTCDateTime, utcnow
from app.core.extensions import db
from app.core.i18n import N_


class DatasetKind(StrEnum):
    THREESIXTYGIVING = "360giving"
    OCDS = "ocds"

    @property
    def label(self) -> str:
        """In English, as the API gives it; pages translate it with gettext (N_ marks it)."""
        return {"360giving": N_("360Giving grants"),
                "ocds": N_("OCDS contracting processes")}[self]


class PublicationStatus(StrEnum):
    PUBLISHED = "published"  # valid against the schema: the file is what visitors download
    REFUSED = "refused"  # schema errors: nothing was offered, the admin reads why
    EMPTY = "empty"  # nothing to publish yet (the standards require at least one item)

    @property
    def label(self) -> str:
        return self.value.capitalize()


class FunderIdentity(db.Model):
    """How a funder is identified in open data: its registered 360Giving prefix and org-id."""

    __tablename__ = "funder_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id"), unique=True)
    grant_prefix: Mapped[str] = mapped_column(String(50))  # e.g. 360G-CADSES
    org_id: Mapped[str | None] = mapped_column(String(80))  # e.g. XI-PIC-999999999
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    funder: Mapped[Funder] = relationship()


class Publication(db.Model):
    """One run of the publication: its files when valid, its first errors when not."""

    __tablename__ = "open_data_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), index=True)
    status: Mapped[str] = mapped_column(String(10))
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[str]] = mapped_column(JSON, default=list)  # the first ones, in words
    json_key: Mapped[str | None] = mapped_column(String(200))
    xlsx_key: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str | None] = mapped_column(String(64))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class OcdsRelease(db.Model):
    """A published OCDS release: immutable, kept so that records carry the whole history."""

    __tablename__ = "ocds_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    ocid: Mapped[str] = mapped_column(String(80), index=True)
    release_id: Mapped[str] = mapped_column(String(120), unique=True)
    date: Mapped[str] = mapped_column(String(40))  # the release's own date, as published
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    data: Mapped[dict] = mapped_column(JSON)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("open_data_publications.id"), index=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
