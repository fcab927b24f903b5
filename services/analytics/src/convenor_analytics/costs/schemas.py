from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from convenor_shared.schemas import RequestModel


class AttendeeGroup(RequestModel):
    salary: Decimal = Field(gt=0, le=10_000_000, description="Annual salary, £")
    count: int = Field(ge=1, le=10_000)


class OnCostsIn(RequestModel):
    """Give a ``date`` (and ``pension_scheme``) to use the dated tables; any rate given here
    overrides the table's."""

    date: dt.date | None = None
    pension_scheme: str | None = Field(default=None, max_length=40)
    employer_ni_rate: Decimal | None = Field(default=None, ge=0, le=1)
    employer_ni_threshold: Decimal | None = Field(default=None, ge=0)
    pension_rate: Decimal | None = Field(default=None, ge=0, le=1)
    apprenticeship_levy_rate: Decimal | None = Field(default=None, ge=0, le=1)


class EstimateRequest(RequestModel):
    attendees: list[AttendeeGroup] = Field(min_length=1, max_length=100)
    duration_minutes: int = Field(ge=1, le=1440)
    prep_minutes: int | None = Field(default=None, ge=0, le=1440)
    meetings_per_year: int = Field(default=1, ge=0, le=366)
    boards: int = Field(default=1, ge=1, le=100_000)
    working_hours_per_year: Decimal | None = Field(default=None, ge=1, le=8784)
    on_costs: OnCostsIn | None = None


class EstimateRead(BaseModel):
    per_meeting: str
    per_board_year: str
    portfolio_year: str
    person_hours_per_board_year: str
    rounded: dict[str, str] = Field(description="The same, to the penny, for people")
    parameters: dict[str, Any]


class Subject(BaseModel):
    kind: str
    id: str
    name: str


class CostRead(BaseModel):
    """Salary-only and loaded cost side by side, with the components of the loaded figure."""

    subject: Subject
    window: dict[str, str]
    salary: str
    loaded: str
    components: dict[str, str]
    meetings: int
    attendances: int
    person_hours: str
    fte: str
    parameters: dict[str, Any]
    read_model_generation: int
