from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from convenor_shared.schemas import ReadModel


class AuditEntryRead(ReadModel):
    index: int
    leaf_hash: str = Field(description="hex SHA-256(0x00 || RFC 8785 canonical bytes of entry)")
    chain_hash: str = Field(description="hex SHA-256(previous chain_hash || leaf_hash)")
    entry: dict[str, Any]
    at: datetime


class AuditPage(BaseModel):
    items: list[AuditEntryRead]
    next_after: int | None = Field(description="Pass as after= for the next page")
    has_more: bool


class ChainReport(BaseModel):
    ok: bool
    checked: int
    first_bad_index: int | None = None
    reason: str | None = None
