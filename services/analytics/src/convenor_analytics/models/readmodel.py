"""The read model: the latest copy of every entity of the registry's and the gateway's change
feeds, and the generation counter that tells readers the copy has changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from convenor_analytics.models.base import Base
from convenor_shared.db import JSONType, UTCDateTime


class ReadRecord(Base):
    """One entity as it was at the newest change applied (``cursor`` of that change)."""

    __tablename__ = "records"

    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    entity_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    cursor: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)


class ReadModelState(Base):
    """One row: bumped in the same transaction as every page of changes applied, so a
    replica that sees a new generation knows its in-memory landscape is stale."""

    __tablename__ = "read_model_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
