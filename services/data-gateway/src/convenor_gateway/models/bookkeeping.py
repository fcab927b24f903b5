"""The change-feed outbox, idempotency keys, and the catalogue versions ever loaded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from convenor_gateway.models.base import Base
from convenor_shared.db import UTCDateTime
from convenor_shared.idempotency import IdempotencyKeyMixin
from convenor_shared.outbox import ChangeMixin


class Change(ChangeMixin, Base):
    pass


class IdempotencyKey(IdempotencyKeyMixin, Base):
    pass


class CatalogueVersion(Base):
    """Each version of the legal-gateway catalogue this database has been migrated with, so a
    decision can be traced to the rules it was checked against."""

    __tablename__ = "catalogue_versions"

    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
