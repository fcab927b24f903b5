from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from convenor_registry.vocabularies import AreaClassification
from convenor_shared.schemas import RecordRead, RequestModel

GSS_PATTERN = r"^[EWSNK]\d{8}$"


class AreaCreate(RequestModel):
    gss_code: str = Field(pattern=GSS_PATTERN, examples=["E23000004"])
    name: str = Field(min_length=1, max_length=200)
    classification: AreaClassification
    tier: str | None = Field(default=None, max_length=40)
    country: str | None = Field(default=None, max_length=20)
    vintage: str | None = Field(default=None, max_length=20)
    ocd_id: str | None = Field(default=None, max_length=200)
    parent_id: uuid.UUID | None = None
    valid_from: date | None = None
    valid_until: date | None = None


class AreaUpdate(RequestModel):
    not_clearable = frozenset({"name"})
    name: str | None = Field(default=None, min_length=1, max_length=200)
    tier: str | None = Field(default=None, max_length=40)
    vintage: str | None = Field(default=None, max_length=20)
    ocd_id: str | None = Field(default=None, max_length=200)
    parent_id: uuid.UUID | None = None
    valid_from: date | None = None
    valid_until: date | None = None


class AreaRead(RecordRead):
    gss_code: str
    name: str
    classification: str
    tier: str | None
    country: str | None
    vintage: str | None
    ocd_id: str | None
    parent_id: uuid.UUID | None
    valid_from: date | None
    valid_until: date | None
