from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class SourceResult(BaseModel):
    cursor: str | None
    items_applied: int
    pages: int
    caught_up: bool
    error: str | None = None
    error_type: str | None = None


class SyncResult(BaseModel):
    """What one run of the sync did."""

    status: Literal["ok", "failed", "partial"]
    trigger: str
    started_at: datetime
    finished_at: datetime
    items_applied: int
    sources: dict[str, SourceResult]


class SourceStatus(BaseModel):
    source: str
    cursor: str | None
    items_applied: int = Field(description="Items applied from this feed since the first sync")
    items_behind: int | None = Field(
        description="Items left unread at the end of the last run: 0 when it reached the end "
        "of the feed, null when unknown (the run failed or stopped at its page budget)"
    )
    newest_change_at: datetime | None
    seconds_since_newest_change: float | None
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_type: str | None


class SyncStatus(BaseModel):
    sources: list[SourceStatus]
    last_run: SyncResult | None
    generation: int
    schedule_seconds: float
