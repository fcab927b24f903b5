from __future__ import annotations

import uuid
from datetime import date

from pydantic import ConfigDict, Field, model_validator

from convenor_registry.vocabularies import ReviewOutcome
from convenor_shared.schemas import RecordRead, RequestModel, cross_field


class ReviewCreate(RequestModel):
    # merge_into_id exactly when the outcome is merge_into (the schema says it too).
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"outcome": {"const": "merge_into"}}, "required": ["outcome"]},
            "then": {
                "properties": {"merge_into_id": {"type": "string", "format": "uuid"}},
                "required": ["merge_into_id"],
            },
            "else": {"properties": {"merge_into_id": {"type": "null"}}},
        }
    )

    review_date: date
    reviewer: str | None = Field(default=None, max_length=300)
    criteria: list[str] = Field(default_factory=list, max_length=30)
    outcome: ReviewOutcome
    merge_into_id: uuid.UUID | None = Field(
        default=None, description="For outcome merge_into: the partnership it merges into"
    )
    summary: str | None = Field(default=None, max_length=20_000)

    @model_validator(mode="after")
    def merge_names_a_target(self) -> ReviewCreate:
        if (self.outcome == "merge_into") != (self.merge_into_id is not None):
            raise cross_field("merge_into_id is given exactly when the outcome is merge_into")
        return self


class ReviewRead(RecordRead):
    partnership_id: uuid.UUID
    review_date: date
    reviewer: str | None
    criteria: list[str]
    outcome: str
    merge_into_id: uuid.UUID | None
    summary: str | None
