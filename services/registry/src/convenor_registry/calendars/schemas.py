from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from convenor_shared.schemas import ReadModel, RequestModel

Subject = Literal["partnership", "person", "organisation", "area"]


class SubscriptionCreate(RequestModel):
    subject: Subject = Field(description="What the feed is of")
    subject_id: str = Field(
        min_length=1,
        max_length=64,
        description="The partnership, person, organisation or area id (an area also by GSS code)",
    )
    name: str | None = Field(default=None, max_length=200, description="A label for you")
    expires_in_days: int | None = Field(
        default=None, ge=1, le=3660, description="Stop working after this many days"
    )


class SubscriptionRead(ReadModel):
    id: uuid.UUID
    subject: str
    subject_id: uuid.UUID
    name: str | None
    client_id: str
    organisation_id: uuid.UUID | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class SubscriptionCreated(SubscriptionRead):
    url: str = Field(description="The feed URL with its token: give it to a calendar client")
    webcal_url: str = Field(description="The same URL with the webcal:// scheme")
    token: str = Field(description="Shown once; the registry keeps only a hash of it")
