from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.models import Delivery, DeliveryChunk


async def get(session: AsyncSession, request_id: uuid.UUID) -> Delivery | None:
    return await session.get(Delivery, request_id)


async def add_chunk(session: AsyncSession, request_id: uuid.UUID, seq: int, data: bytes) -> None:
    # Core, not the ORM: the session must not keep every chunk it has written.
    await session.execute(insert(DeliveryChunk).values(request_id=request_id, seq=seq, data=data))


async def chunk(session: AsyncSession, request_id: uuid.UUID, seq: int) -> bytes | None:
    value = await session.scalar(
        select(DeliveryChunk.data).where(
            DeliveryChunk.request_id == request_id, DeliveryChunk.seq == seq
        )
    )
    return None if value is None else bytes(value)


async def delete_chunks(session: AsyncSession, request_id: uuid.UUID) -> None:
    await session.execute(delete(DeliveryChunk).where(DeliveryChunk.request_id == request_id))


def due_for_erasure(now: datetime, limit: int) -> Select[Delivery]:
    return (
        select(Delivery)
        .where(Delivery.erased_at.is_(None), Delivery.retain_until <= now)
        .order_by(Delivery.retain_until, Delivery.request_id)
        .limit(limit)
    )
