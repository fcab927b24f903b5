"""Create, change and soft-delete catalogue records, keeping their history and the change feed.

Every domain service writes through :func:`add`, :func:`change` and :func:`remove`, so that
each change is recorded once (who, when, what changed) in ``history`` and published on
``/v1/changes`` in the same transaction. Deletion is soft: the row stays, marked deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic_core import to_jsonable_python
from sqlalchemy import insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.models import Change, HistoryEntry, Record
from convenor_shared.auth import Caller
from convenor_shared.db import new_id, utcnow
from convenor_shared.outbox import ChangeFeed
from convenor_shared.problems import NotFound
from convenor_shared.transactions import before_commit

M = TypeVar("M", bound=Record)
feed = ChangeFeed(Change)


@dataclass(frozen=True)
class Entity(Generic[M]):
    """A kind of record: its name on the change feed, its model and how it reads back."""

    name: str
    model: type[M]
    not_found: type[NotFound]
    serialise: Callable[[AsyncSession, M], Awaitable[dict[str, Any]]]


async def get(session: AsyncSession, entity: Entity[M], record_id: uuid.UUID) -> M:
    """The live record, or the entity's 404."""
    record = await session.get(entity.model, record_id)
    if record is None or record.deleted_at is not None:
        raise entity.not_found(f"No {entity.name.replace('_', ' ')} with id {record_id}.")
    return record


async def get_many(
    session: AsyncSession, entity: Entity[M], ids: list[uuid.UUID]
) -> dict[uuid.UUID, M]:
    """Live records by id; a missing one is the entity's 404 naming it.

    Records the session already holds are taken from it, as :func:`get` takes them; only the
    others are queried (an upload's registers name hundreds of people it has just created).
    """
    model = entity.model
    found: dict[uuid.UUID, M] = {}
    unknown: list[uuid.UUID] = []
    for record_id in ids:
        held = session.identity_map.get(session.identity_key(model, record_id))
        if held is None or "deleted_at" in inspect(held).unloaded:
            unknown.append(record_id)
        elif held.deleted_at is None:
            found[record_id] = held
    if unknown:
        query = select(model).where(model.id.in_(unknown), model.deleted_at.is_(None))
        found.update((row.id, row) for row in (await session.execute(query)).scalars())
    for record_id in ids:
        if record_id not in found:
            raise entity.not_found(f"No {entity.name.replace('_', ' ')} with id {record_id}.")
    return found


def _jsonable(value: Any) -> Any:
    return to_jsonable_python(value)


_TOUCHED = "registry.touched"


def publish(session: AsyncSession, entity: Entity[M], record: M) -> None:
    """Put the record on the change feed in the form it has when the transaction commits.

    A record changed several times in one transaction appears once, as it finally is.
    """
    touched: dict[tuple[str, uuid.UUID], tuple[Entity[Any], Record]] = session.info.setdefault(
        _TOUCHED, {}
    )
    touched[(entity.name, record.id)] = (entity, record)
    before_commit(session, "registry.publish", _publish_touched)


async def _publish_touched(session: AsyncSession) -> None:
    touched: dict[tuple[str, uuid.UUID], tuple[Entity[Any], Record]] = session.info.pop(
        _TOUCHED, {}
    )
    for entity, record in touched.values():
        if record.deleted_at is None:
            data = await entity.serialise(session, record)
            feed.record(session, entity.name, record.id, "upsert", data)


_HISTORY = "registry.history"


def _log(
    session: AsyncSession,
    entity: Entity[M],
    record: M,
    op: str,
    changes: Mapping[str, Any],
    by: Caller,
) -> None:
    """Note the change in history; a transaction's entries are inserted together (one
    statement, not one per change) just before it commits, ids in the order they were noted."""
    entries: list[dict[str, Any]] = session.info.setdefault(_HISTORY, [])
    entries.append(
        {
            "id": new_id(),
            "entity": entity.name,
            "entity_id": record.id,
            "version": record.version,
            "op": op,
            "at": record.updated_at,
            "actor": by.client_id,
            "actor_organisation_id": by.organisation_id,
            "changes": dict(changes),
        }
    )
    before_commit(session, _HISTORY, _write_history)


async def _write_history(session: AsyncSession) -> None:
    entries: list[dict[str, Any]] = session.info.pop(_HISTORY, [])
    if entries:
        table: Any = HistoryEntry.__table__  # a Core insert: the ORM's bulk path costs more
        await session.execute(insert(table), entries)


_TOGETHER = "registry.insert_together"


@asynccontextmanager
async def inserted_together(session: AsyncSession) -> AsyncIterator[None]:
    """Records :func:`add` creates in this block are inserted when it ends, a few statements
    for all of them, rather than flushed one by one (a spreadsheet's thousand meetings).

    Only for creations that write no other row referring to the new record and look up no
    record created in the same block: until the block ends, the session does not autoflush,
    so queries do not see the new records yet.
    """
    session.info[_TOGETHER] = True
    try:
        with session.no_autoflush:
            yield
    finally:
        session.info.pop(_TOGETHER, None)
    await session.flush()


async def add(session: AsyncSession, entity: Entity[M], values: Mapping[str, Any], by: Caller) -> M:
    """Create a record managed by the caller's organisation."""
    now = utcnow()
    fields = {k: v for k, v in values.items() if k not in ("id", "managed_by_id")}
    factory: Any = entity.model  # mixins give no typed __init__
    record: M = factory(
        **fields,
        id=values.get("id") or new_id(),
        version=1,
        created_at=now,
        updated_at=now,
        created_by=by.client_id,
        updated_by=by.client_id,
        managed_by_id=values.get("managed_by_id", by.organisation_id),
    )
    session.add(record)
    if not session.info.get(_TOGETHER):
        # Flushed at once: rows inserted by plain statements next (a footprint, a series'
        # meetings) refer to it, and no relationship() tells the unit of work to order them.
        await session.flush()
    _log(
        session, entity, record, "create", {k: [None, _jsonable(v)] for k, v in values.items()}, by
    )
    publish(session, entity, record)
    return record


async def change(
    session: AsyncSession, entity: Entity[M], record: M, values: Mapping[str, Any], by: Caller
) -> M:
    """Apply ``values``; record only what actually changed. No change, no new version."""
    diff = {
        key: [_jsonable(getattr(record, key)), _jsonable(value)]
        for key, value in values.items()
        if getattr(record, key) != value
    }
    if not diff:
        return record
    for key in diff:
        setattr(record, key, values[key])
    record.version += 1
    record.updated_at = utcnow()
    record.updated_by = by.client_id
    _log(session, entity, record, "update", diff, by)
    publish(session, entity, record)
    return record


async def touch(
    session: AsyncSession, entity: Entity[M], record: M, note: Mapping[str, Any], by: Caller
) -> M:
    """A change held outside the record's own columns (its footprint, say): new version, logged."""
    record.version += 1
    record.updated_at = utcnow()
    record.updated_by = by.client_id
    _log(session, entity, record, "update", {k: _jsonable(v) for k, v in note.items()}, by)
    publish(session, entity, record)
    return record


async def remove(session: AsyncSession, entity: Entity[M], record: M, by: Caller) -> None:
    """Soft-delete: the record stays, marked deleted, and leaves the feed with a delete."""
    record.deleted_at = utcnow()
    record.version += 1
    record.updated_at = record.deleted_at
    record.updated_by = by.client_id
    _log(session, entity, record, "delete", {}, by)
    session.info.get(_TOUCHED, {}).pop((entity.name, record.id), None)
    feed.record(session, entity.name, record.id, "delete", None)
