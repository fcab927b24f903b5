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


class CheckpointRead(BaseModel):
    origin: str
    tree_size: int
    root_hash: str = Field(description="hex RFC 9162 root of the first tree_size leaves")
    timestamp: datetime
    note: str = Field(description="The C2SP signed note (what text/plain returns)")


class InclusionProofRead(BaseModel):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    audit_path: list[str] = Field(description="hex, the sibling nearest the leaf first")


class ConsistencyProofRead(BaseModel):
    first: int
    second: int
    proof: list[str]


class VerifyRead(BaseModel):
    ok: bool
    checked: int = Field(description="Entries read")
    first_bad_index: int | None = Field(description="The first entry that does not verify")
    reason: str
    tree_size: int | None = Field(description="The size of the checkpoint verified against")
