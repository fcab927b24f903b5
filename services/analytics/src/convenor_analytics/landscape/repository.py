"""Reading the read model back: its generation and every record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_analytics.models import ReadModelState, ReadRecord


async def generation(session: AsyncSession) -> int:
    value = (
        await session.execute(select(ReadModelState.generation).where(ReadModelState.id == 1))
    ).scalar_one_or_none()
    return int(value or 0)


async def rows(session: AsyncSession) -> list[tuple[str, str, Any]]:
    """Every record, its data still as JSON text: the landscape parses each one as it builds
    it (with orjson, three times faster than the JSON type's decoding), so the parsed
    documents of a national read model are never all held at once. In primary-key order:
    deterministic, and an index scan."""
    result = await session.execute(
        select(
            ReadRecord.entity, ReadRecord.entity_id, type_coerce(ReadRecord.data, String)
        ).order_by(ReadRecord.source, ReadRecord.entity, ReadRecord.entity_id)
    )
    return [(entity, entity_id, data) for entity, entity_id, data in result]
