"""Information sharing agreements between organisations."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from convenor_gateway.models.base import Base
from convenor_shared.db import JSONType, UTCDateTime, new_id


class Agreement(Base):
    __tablename__ = "agreements"

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(255))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    owner_organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid(), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    party_organisation_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    purposes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    legal_gateways: Mapped[list[str]] = mapped_column(JSONType, default=list)
    data_items: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    lawful_basis: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    retention_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    dpia_reference: Mapped[str | None] = mapped_column(String(200), nullable=True)
    dpia_status: Mapped[str] = mapped_column(String(20))
    review_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    document_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
