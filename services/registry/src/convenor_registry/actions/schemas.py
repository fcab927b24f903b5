from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import Field

from convenor_registry.vocabularies import ActionStatus
from convenor_shared.schemas import RecordRead, RequestModel


class ActionCreate(RequestModel):
    title: str = Field(min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=10_000)
    decision_id: uuid.UUID | None = None
    review_id: uuid.UUID | None = Field(default=None, description="A follow-up of a review")
    owner_person_id: uuid.UUID | None = None
    owner_organisation_id: uuid.UUID | None = None
    due_date: date | None = None
    status: ActionStatus = "open"
    completed_date: date | None = None


class ActionUpdate(RequestModel):
    not_clearable = frozenset({"title", "status"})
    title: str | None = Field(default=None, min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=10_000)
    owner_person_id: uuid.UUID | None = None
    owner_organisation_id: uuid.UUID | None = None
    due_date: date | None = None
    status: ActionStatus | None = None
    completed_date: date | None = None


class ActionUpdateNote(RequestModel):
    text: str = Field(min_length=1, max_length=5_000)


class ActionUpdateRead(RequestModel):
    at: datetime
    by: str | None
    text: str


class ActionRead(RecordRead):
    partnership_id: uuid.UUID
    meeting_id: uuid.UUID | None
    decision_id: uuid.UUID | None
    review_id: uuid.UUID | None
    title: str
    description: str | None
    owner_person_id: uuid.UUID | None
    owner_organisation_id: uuid.UUID | None
    due_date: date | None
    status: str
    completed_date: date | None
    updates: list[dict[str, Any]]
    overdue: bool = Field(default=False, description="open or in progress past its due date")
