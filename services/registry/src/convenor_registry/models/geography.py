"""Reference geography: police force areas, local authorities, community safety partnership
areas, with their ONS GSS codes."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from convenor_registry.models.base import Base, Record


class Area(Record, Base):
    __tablename__ = "areas"

    gss_code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    classification: Mapped[str] = mapped_column(String(40), index=True)
    tier: Mapped[str | None] = mapped_column(String(40), nullable=True)
    country: Mapped[str | None] = mapped_column(String(20), nullable=True)
    vintage: Mapped[str | None] = mapped_column(String(20), nullable=True)
    ocd_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("areas.id"), nullable=True, index=True
    )
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
