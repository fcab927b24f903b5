from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from convenor_shared.schemas import ReadModel, RequestModel

ErasureReason = Literal["consent_withdrawn", "erasure_decision", "delivered_in_error"]


class DeliveryRead(ReadModel):
    request_id: uuid.UUID
    media_type: str = Field(description="text/csv or application/json")
    payload_sha256: str = Field(description="hex SHA-256 of the delivered bytes")
    payload_size: int = Field(description="bytes delivered")
    rows: int
    delivered_at: datetime
    retain_until: datetime = Field(description="delivered_at plus the request's retention")
    erased_at: datetime | None
    erasure_reason_code: str | None


class ErasureCreate(RequestModel):
    reason_code: ErasureReason = Field(
        description="consent_withdrawn, erasure_decision (e.g. an Art 17 or DPA s47 decision) "
        "or delivered_in_error"
    )
    reason: str = Field(min_length=1, max_length=5000, description="Why, in words")
