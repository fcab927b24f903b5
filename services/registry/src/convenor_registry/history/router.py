"""The history of a record: who changed it, when, and what changed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from convenor_registry.deps import Reader, api_router
from convenor_registry.models import HistoryEntry
from convenor_shared.pagination import Page, PageDep, page_of
from convenor_shared.routing import SessionDep
from convenor_shared.schemas import ReadModel

router = api_router("/v1/history", "history")


class HistoryRead(ReadModel):
    id: uuid.UUID
    entity: str
    entity_id: uuid.UUID
    version: int
    op: str
    at: datetime
    actor: str | None
    actor_organisation_id: uuid.UUID | None
    changes: dict[str, Any]


@router.get("", operation_id="history_list")
async def list_history(
    entity_id: uuid.UUID, session: SessionDep, caller: Reader, page: PageDep
) -> Page[HistoryRead]:
    """Every change to one record, oldest first. Deleted records keep their history."""
    query = select(HistoryEntry).where(HistoryEntry.entity_id == entity_id)
    after = page.after_id()
    if after:
        query = query.where(HistoryEntry.id > after)
    rows = list(
        (await session.execute(query.order_by(HistoryEntry.id).limit(page.limit + 1))).scalars()
    )
    rows, cursor = page_of(rows, page.limit, lambda row: {"id": str(row.id)})
    return Page(items=[HistoryRead.model_validate(row) for row in rows], next_cursor=cursor)
