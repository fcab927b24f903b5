from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class Breakdown(BaseModel):
    key: str
    requests: int | None = Field(description="null when fewer than the threshold (suppressed)")
    outcomes: dict[str, int | None]
    refusal_reasons: dict[str, int | None]
    median_turnaround_working_days: float | None
    suppressed: bool


class TransparencyReport(BaseModel):
    catalogue_version: str
    generated_at: datetime
    period_from: date | None
    period_to: date | None
    suppression_threshold: int
    notes: list[str]
    totals: Breakdown
    by_legal_gateway: list[Breakdown]
    by_purpose: list[Breakdown]
    by_partner_classification: list[Breakdown]
