"""The registry's declarative base and the columns every catalogue record carries."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Integer, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from convenor_shared.db import UTCDateTime, make_metadata, new_id, utcnow


class Base(DeclarativeBase):
    metadata = make_metadata()


class Record:
    """Identity, version (for ETags), audit stamps and soft deletion."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    updated_by: Mapped[str | None] = mapped_column(String(255), nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The organisation that manages the record: it (and an admin) may change it.
    managed_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), nullable=True)
