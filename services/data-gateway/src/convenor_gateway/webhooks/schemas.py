from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from convenor_shared.schemas import ReadModel, RequestModel

EventType = Literal[
    "request.submitted",
    "request.acknowledged",
    "request.clarification_requested",
    "request.approved",
    "request.partially_approved",
    "request.refused",
    "request.delivered",
    "request.closed",
    "request.withdrawn",
    "request.expired",
    "request.updated",
]


class WebhookCreate(RequestModel):
    url: str = Field(
        min_length=9,
        max_length=2000,
        examples=["https://partner.example/convenor"],
        description="An https URL, without credentials, whose host resolves only to public "
        "addresses (else 422 webhook-url-refused)",
    )
    events: list[EventType] = Field(
        default_factory=list, max_length=20, description="Empty for every event"
    )
    description: str | None = Field(default=None, max_length=300)


class WebhookRead(ReadModel):
    id: uuid.UUID
    organisation_id: uuid.UUID
    url: str
    events: list[str]
    description: str | None
    active: bool
    created_at: datetime


class WebhookCreated(WebhookRead):
    secret: str = Field(description="The signing secret, shown once: store it now")


class WebhookDeliveryRead(ReadModel):
    id: uuid.UUID
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
