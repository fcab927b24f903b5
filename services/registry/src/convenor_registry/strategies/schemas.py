from __future__ import annotations

import uuid
from datetime import date

from pydantic import ConfigDict, Field, model_validator

from convenor_registry.vocabularies import StrategyKind, StrategyStatus, Theme
from convenor_shared.schemas import RecordRead, RequestModel, WebUrl, cross_field


class StrategyCreate(RequestModel):
    # Without an owning partnership, an owning organisation (the schema says it too).
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"owner_partnership_id": {"type": "null"}}},
            "then": {
                "properties": {"owner_organisation_id": {"type": "string", "format": "uuid"}},
                "required": ["owner_organisation_id"],
            },
        }
    )

    name: str = Field(min_length=1, max_length=300)
    kind: StrategyKind
    owner_partnership_id: uuid.UUID | None = None
    owner_organisation_id: uuid.UUID | None = None
    joint_owner_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=50, description="Organisations that own it jointly"
    )
    period_start: date | None = None
    period_end: date | None = None
    status: StrategyStatus = "active"
    url: WebUrl | None = None

    @model_validator(mode="after")
    def has_an_owner(self) -> StrategyCreate:
        if self.owner_partnership_id is None and self.owner_organisation_id is None:
            raise cross_field("a strategy has an owner_partnership_id or owner_organisation_id")
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise cross_field("period_end is before period_start")
        return self


class StrategyUpdate(RequestModel):
    not_clearable = frozenset({"name", "joint_owner_ids", "status"})
    name: str | None = Field(default=None, min_length=1, max_length=300)
    joint_owner_ids: list[uuid.UUID] | None = Field(default=None, max_length=50)
    period_start: date | None = None
    period_end: date | None = None
    status: StrategyStatus | None = None
    url: WebUrl | None = None


class StrategyRead(RecordRead):
    name: str
    kind: str
    owner_partnership_id: uuid.UUID | None
    owner_organisation_id: uuid.UUID | None
    joint_owner_ids: list[uuid.UUID]
    period_start: date | None
    period_end: date | None
    status: str
    url: str | None


class PriorityCreate(RequestModel):
    title: str = Field(min_length=1, max_length=500)
    parent_id: uuid.UUID | None = None
    position: int = Field(default=0, ge=0, le=1000)
    themes: list[Theme] = Field(default_factory=list, max_length=20)
    aligned_to_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=50,
        description="Police and Crime Plan priorities this priority serves (Rec 2)",
    )


class PriorityUpdate(RequestModel):
    not_clearable = frozenset({"title", "position", "themes", "aligned_to_ids"})
    title: str | None = Field(default=None, min_length=1, max_length=500)
    parent_id: uuid.UUID | None = None
    position: int | None = Field(default=None, ge=0, le=1000)
    themes: list[Theme] | None = Field(default=None, max_length=20)
    aligned_to_ids: list[uuid.UUID] | None = Field(default=None, max_length=50)


class PriorityRead(RecordRead):
    strategy_id: uuid.UUID
    parent_id: uuid.UUID | None
    title: str
    position: int
    themes: list[str]
    aligned_to_ids: list[uuid.UUID]
