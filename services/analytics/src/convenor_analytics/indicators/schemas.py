from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class IndicatorDefinition(BaseModel):
    id: str
    name: str
    definition: str
    unit: str
    recommendation: str = Field(description="The APCC report's recommendation(s) it serves")
    parameters: list[str]


class IndicatorCatalogue(BaseModel):
    items: list[IndicatorDefinition]
    parameters_version: str
    parameters_fingerprint: str


class IndicatorValue(BaseModel):
    """One indicator's answer. ``value`` is a number, a decimal string (money) or an object of
    named values; rates are proportions (0-1) with a Wilson interval."""

    indicator: str
    name: str
    unit: str
    scope: dict[str, Any]
    window: dict[str, str]
    value: Any
    n: int | None
    n_of: str
    interval: dict[str, Any] | None
    breakdowns: dict[str, list[dict[str, Any]]]
    suppressed: list[str] = Field(description="Values hidden because they describe < 5 people")
    flags: list[str]
    notes: list[str]
    parameters: dict[str, Any]
    read_model_generation: int
    extra: dict[str, Any] = Field(default_factory=dict)
