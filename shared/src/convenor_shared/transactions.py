"""Commit discipline: everything that must land with a change is written in the same transaction.

Code that needs work done just before a commit (the change-feed outbox, the gateway's audit
log) registers a hook with :func:`before_commit`; :func:`commit` runs the hooks, then commits.
Every write path (request, CLI command, background job) commits through :func:`commit`.

Rows that nothing reads back before the commit (a new data request, the moves of a state
machine) can skip the ORM's unit of work: :func:`insert_at_commit` queues a new mapped object and
a hook writes all queued rows of a table with one ``INSERT`` just before commit.

Writers that must be ordered (the outbox sequence must follow commit order, an audit hash chain
must see its predecessor) call :func:`serialize_writes`, which on PostgreSQL takes a
transaction-scoped advisory lock held until commit. SQLite needs no lock: it has one writer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import MetaData, Table, insert, inspect, text
from sqlalchemy.ext.asyncio import AsyncSession

Hook = Callable[[AsyncSession], Awaitable[None]]
_HOOKS = "convenor.before_commit"
_LOCKED = "convenor.write_lock"
_INSERTS = "convenor.inserts"
WRITE_LOCK_KEY = 7_243_001  # any constant; each service owns its own database


def before_commit(session: AsyncSession, key: str, hook: Hook, *, last: bool = False) -> None:
    """Run ``hook(session)`` once, just before this transaction commits.

    Hooks run in the order they were first registered, except that ``last`` hooks run after
    every other (a hook that takes the write lock goes last, so the lock is held briefly).
    """
    hooks: dict[str, tuple[Hook, bool]] = session.info.setdefault(_HOOKS, {})
    hooks.setdefault(key, (hook, last))


async def commit(session: AsyncSession) -> None:
    """Run the registered hooks, then commit."""
    hooks: dict[str, tuple[Hook, bool]] = session.info.get(_HOOKS, {})
    done: set[str] = set()
    while True:
        pending = [key for key, (_, last) in hooks.items() if key not in done and not last]
        if not pending:
            pending = [key for key in hooks if key not in done]
        if not pending:
            break
        for key in pending[:1]:  # one at a time: a hook may register others
            done.add(key)
            await hooks[key][0](session)
    try:
        await session.commit()
    finally:
        session.info.pop(_HOOKS, None)
        session.info.pop(_LOCKED, None)


async def rollback(session: AsyncSession) -> None:
    """Roll back and forget any hooks and queued rows."""
    session.info.pop(_HOOKS, None)
    session.info.pop(_LOCKED, None)
    session.info.pop(_INSERTS, None)
    await session.rollback()


async def serialize_writes(session: AsyncSession) -> None:
    """Hold the service's write lock until this transaction ends (PostgreSQL only)."""
    if session.info.get(_LOCKED):
        return
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
    session.info[_LOCKED] = True


def insert_at_commit(session: AsyncSession, instance: Any) -> None:
    """Write the new mapped ``instance`` just before this transaction commits, with the other
    rows queued for its table, in one Core ``INSERT``. The instance stays out of the session:
    a query in the same transaction does not see it, and later changes to it before the
    commit are written (its attributes are read when the hook runs). Attributes never set
    take their column's default."""
    queued: list[Any] = session.info.setdefault(_INSERTS, [])
    queued.append(instance)
    before_commit(session, "inserts", _insert_queued)


async def _insert_queued(session: AsyncSession) -> None:
    queued: list[Any] = session.info.pop(_INSERTS, [])
    groups: dict[tuple[Table, tuple[str, ...]], list[dict[str, Any]]] = {}
    for instance in queued:
        mapper = inspect(type(instance))
        values = instance.__dict__
        row = {
            prop.columns[0].key: values[prop.key]
            for prop in mapper.column_attrs
            if prop.key in values
        }
        groups.setdefault((mapper.local_table, tuple(row)), []).append(row)
    # Tables in foreign-key order: a request before its moves.
    order = {table: n for n, table in enumerate(_sorted_tables(groups))}
    for (table, _), rows in sorted(groups.items(), key=lambda item: order[item[0][0]]):
        await session.execute(insert(table), rows)


def _sorted_tables(groups: dict[tuple[Table, tuple[str, ...]], Any]) -> list[Table]:
    tables = {table for table, _ in groups}
    metadata = next(iter(tables)).metadata
    ordered = _TABLE_ORDER.get(metadata)
    if ordered is None:
        ordered = _TABLE_ORDER[metadata] = list(metadata.sorted_tables)
    return [table for table in ordered if table in tables]


_TABLE_ORDER: dict[MetaData, list[Table]] = {}  # a service's tables are fixed once imported
