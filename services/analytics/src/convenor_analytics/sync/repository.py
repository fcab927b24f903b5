"""Queries of the sync: cursors, runs, and writing change items into the read model."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_analytics.models import ReadModelState, ReadRecord, SyncRun, SyncSource

CHUNK = 500


async def source(session: AsyncSession, name: str) -> SyncSource:
    row = await session.get(SyncSource, name)
    if row is None:
        row = SyncSource(source=name, items_applied=0)
        session.add(row)
        await session.flush()
    return row


async def all_sources(session: AsyncSession) -> list[SyncSource]:
    return list((await session.execute(select(SyncSource).order_by(SyncSource.source))).scalars())


async def latest_run(session: AsyncSession) -> SyncRun | None:
    query = select(SyncRun).order_by(SyncRun.started_at.desc()).limit(1)
    return (await session.execute(query)).scalar_one_or_none()


def _insert(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def upsert_records(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or replace records (the newest data of each entity)."""
    insert = _insert(session)
    for start in range(0, len(rows), CHUNK):
        statement = insert(ReadRecord).values(list(rows[start : start + CHUNK]))
        statement = statement.on_conflict_do_update(
            index_elements=["source", "entity", "entity_id"],
            set_={
                "cursor": statement.excluded.cursor,
                "at": statement.excluded.at,
                "data": statement.excluded.data,
            },
        )
        await session.execute(statement)


async def delete_records(
    session: AsyncSession, source: str, keys: Sequence[tuple[str, str]]
) -> None:
    for start in range(0, len(keys), CHUNK):
        chunk = list(keys[start : start + CHUNK])
        await session.execute(
            delete(ReadRecord).where(
                ReadRecord.source == source,
                tuple_(ReadRecord.entity, ReadRecord.entity_id).in_(chunk),
            )
        )


async def bump_generation(session: AsyncSession, now: datetime) -> None:
    state = await session.get(ReadModelState, 1)
    if state is None:
        session.add(ReadModelState(id=1, generation=1, updated_at=now))
    else:
        await session.execute(
            update(ReadModelState)
            .where(ReadModelState.id == 1)
            .values(generation=ReadModelState.generation + 1, updated_at=now)
        )
