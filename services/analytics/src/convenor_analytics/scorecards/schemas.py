from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from convenor_analytics.duplication.schemas import ClusterRead, PairRead


class Headline(BaseModel):
    """One indicator, compact: its value, n and interval (null when suppressed)."""

    name: str
    unit: str
    value: Any
    n: int | None
    interval: dict[str, Any] | None
    suppressed: bool
    flags: list[str]


class PartnershipScorecard(BaseModel):
    partnership: dict[str, Any]
    window: dict[str, str]
    indicators: dict[str, Headline]
    overlaps: list[PairRead]
    parameters_version: str
    read_model_generation: int


class AreaScorecard(BaseModel):
    area: dict[str, Any]
    window: dict[str, str]
    indicators: dict[str, Headline]
    clusters: list[ClusterRead]
    parameters_version: str
    read_model_generation: int
