from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from convenor_shared.schemas import RequestModel


class PairRead(BaseModel):
    a: str
    b: str
    a_name: str
    b_name: str
    people_shared: int
    people_jaccard: float
    people_overlap: float
    organisations_shared: int
    organisation_jaccard: float
    organisation_overlap: float
    theme_similarity: float
    score: float = Field(description="people_overlap x theme_similarity (D5)")
    flagged: bool = Field(description="Both people overlap and theme similarity pass their flags")


class ClusterRead(BaseModel):
    partnerships: list[str]
    names: list[str]
    annual_cost: str = Field(description="Sum of the members' annual loaded cost (C5)")
    estimated_saving: str = Field(description="Sum less the largest: an upper bound")
    strongest_score: float


class DuplicationRead(BaseModel):
    scope: dict[str, Any]
    window: dict[str, str]
    basis: Literal["membership", "attendance"]
    tau: float
    method: str
    total_pairs: int
    pairs: list[PairRead]
    clusters: list[ClusterRead]
    parameters: dict[str, Any]


class WhatIfRequest(RequestModel):
    partnership_ids: list[uuid.UUID] = Field(min_length=2, max_length=50)
    meetings_per_year: int | None = Field(default=None, ge=1, le=366)
    duration_minutes: int | None = Field(default=None, ge=1, le=1440)
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None


class CostPair(BaseModel):
    salary: str
    loaded: str


class BoardCost(CostPair):
    id: str
    name: str


class MergedBoard(CostPair):
    members: int
    meetings_per_year: int
    minutes_per_meeting: int


class WhatIfRead(BaseModel):
    partnerships: list[BoardCost]
    current: CostPair
    merged: MergedBoard
    saving: CostPair
    upper_bound_saving: str
    window: dict[str, str]
    parameters: dict[str, Any]
