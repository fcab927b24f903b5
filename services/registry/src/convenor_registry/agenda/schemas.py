from __future__ import annotations

import uuid

from pydantic import Field

from convenor_registry.vocabularies import AgendaItemType, Theme
from convenor_shared.schemas import RecordRead, RequestModel


class AgendaItemCreate(RequestModel):
    title: str = Field(min_length=1, max_length=300)
    position: int = Field(default=0, ge=0, le=1000)
    item_type: AgendaItemType = "discussion"
    themes: list[Theme] = Field(default_factory=list, max_length=20)
    duration_minutes: int | None = Field(default=None, ge=0, le=1440)
    recurring_key: str | None = Field(
        default=None, max_length=100, description="The same standing item across meetings"
    )


class AgendaItemUpdate(RequestModel):
    not_clearable = frozenset({"title", "position", "item_type", "themes"})
    title: str | None = Field(default=None, min_length=1, max_length=300)
    position: int | None = Field(default=None, ge=0, le=1000)
    item_type: AgendaItemType | None = None
    themes: list[Theme] | None = Field(default=None, max_length=20)
    duration_minutes: int | None = Field(default=None, ge=0, le=1440)
    recurring_key: str | None = Field(default=None, max_length=100)


class AgendaItemRead(RecordRead):
    meeting_id: uuid.UUID
    position: int
    title: str
    item_type: str
    themes: list[str]
    duration_minutes: int | None
    recurring_key: str | None


class DecisionCreate(RequestModel):
    text: str = Field(min_length=1, max_length=10_000)
    agenda_item_id: uuid.UUID | None = None
    themes: list[Theme] = Field(default_factory=list, max_length=20)


class DecisionUpdate(RequestModel):
    not_clearable = frozenset({"text", "themes"})
    text: str | None = Field(default=None, min_length=1, max_length=10_000)
    agenda_item_id: uuid.UUID | None = None
    themes: list[Theme] | None = Field(default=None, max_length=20)


class DecisionRead(RecordRead):
    meeting_id: uuid.UUID
    agenda_item_id: uuid.UUID | None
    text: str
    themes: list[str]
