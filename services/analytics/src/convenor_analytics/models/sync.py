"""Where each change feed was read up to, and what each sync run did."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from convenor_analytics.models.base import Base
from convenor_shared.db import JSONType, UTCDateTime, new_id


class SyncSource(Base):
    """A followed feed. ``cursor`` is written in the same transaction as the items it covers."""

    __tablename__ = "sync_sources"

    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(String(32), nullable=True)
    items_applied: Mapped[int] = mapped_column(BigInteger, default=0)
    newest_change_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Known at the end of the last run: 0 when it reached the end of the feed.
    items_behind: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_error_type: Mapped[str | None] = mapped_column(String(64), nullable=True)


class SyncRun(Base):
    """One run of the sync over both feeds."""

    __tablename__ = "sync_runs"

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True, default=new_id)
    trigger: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    items_applied: Mapped[int] = mapped_column(Integer, default=0)
    sources: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
