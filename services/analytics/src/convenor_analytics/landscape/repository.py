"""Reading the read model back: its generation and every record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_analytics.models import ReadModelState, ReadRecord


async def generation(session: AsyncSession) -> int:
    value = (
        await session.execute(select(ReadModelState.generation).where(ReadModelState.id == 1))
    ).scalar_one_or_none()
    return int(value or 0)


async def rows(session: AsyncSession) -> list[tuple[str, str, dict[str, Any]]]:
    result = await session.execute(
        select(ReadRecord.entity, ReadRecord.entity_id, ReadRecord.data).order_by(
            ReadRecord.entity, ReadRecord.entity_id
        )
    )
    return [(entity, entity_id, data) for entity, entity_id, data in result]
