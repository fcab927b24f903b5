"""Base classes for API models: requests forbid unknown fields; reads build from ORM rows."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class RequestModel(BaseModel):
    """A request body: unknown fields are refused (no mass assignment by accident)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReadModel(BaseModel):
    """A response body built from an ORM row."""

    model_config = ConfigDict(from_attributes=True)


class RecordRead(ReadModel):
    """The identity and bookkeeping every catalogue record shows."""

    id: uuid.UUID
    version: int
    created_at: datetime
    updated_at: datetime
