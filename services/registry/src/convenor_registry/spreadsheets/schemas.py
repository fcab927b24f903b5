from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field


class ImportEntry(BaseModel):
    row: int = Field(description="Spreadsheet row number (the header is row 1)")
    key: str = Field(description="The row's natural key, in words")
    id: uuid.UUID | None = Field(default=None, description="The record matched")
    changes: dict[str, list[Any]] | None = Field(
        default=None, description="Column → [before, after], for an update"
    )


class SheetChanges(BaseModel):
    created: list[ImportEntry] = Field(default_factory=list)
    updated: list[ImportEntry] = Field(default_factory=list)
    unchanged: list[ImportEntry] = Field(default_factory=list)
    removed: list[ImportEntry] = Field(
        default_factory=list,
        description="attendance only: people taken off a meeting's register",
    )


class ImportResult(BaseModel):
    dry_run: bool
    applied: bool = Field(description="True when the changes were written")
    summary: dict[str, dict[str, int]] = Field(
        description="Per sheet: how many rows are created, updated, unchanged (and removed)"
    )
    sheets: dict[str, SheetChanges]


class RowProblem(BaseModel):
    """One problem with one cell (or a whole row when ``column`` is null)."""

    sheet: str
    row: int
    column: str | None
    code: str = Field(
        description="invalid, unknown_column, missing_column, unknown_reference, "
        "ambiguous_reference, unknown_id, duplicate_row, likely_duplicate, not_your_record, "
        "parent_cycle, invalid_file"
    )
    message: str
    candidates: list[dict[str, str]] | None = None
