"""The stored log, read in index order as a stream, for code that walks it synchronously.

The evidence library's verifiers take a plain iterator of rows and run for as long as the log
is long. :func:`over_rows` reads the rows with a server-side cursor (PostgreSQL) in batches on
the event loop and hands them to the verifier running in a worker thread through a small
queue, so neither the whole log nor more than a few batches are ever in memory, and the event
loop stays free while millions of rows are hashed.

Each row is a sequence ``(index, entry, leaf_hash, chain_hash)`` (a tuple, or an asyncpg record
on PostgreSQL) where ``entry`` is the stored canonical bytes: what
:func:`~convenor_gateway.evidence.canonical.row_fields` reads.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

from sqlalchemy import select, text

from convenor_gateway.models import AuditEntry
from convenor_shared.db import Database

T = TypeVar("T")
Row = tuple[int, bytes, str, str]
BATCH = 10_000
_QUEUED = 4  # batches read ahead of the verifier


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def query(start: int = 0, stop: int | None = None) -> Any:
    """The log's rows from ``start`` (to ``stop``, exclusive) in index order."""
    statement = select(
        AuditEntry.index, AuditEntry.canonical, AuditEntry.leaf_hash, AuditEntry.chain_hash
    ).where(AuditEntry.index >= start)
    if stop is not None:
        statement = statement.where(AuditEntry.index < stop)
    return statement.order_by(AuditEntry.index)


_SELECT = (
    "SELECT index, canonical, leaf_hash, chain_hash FROM audit_log"
    " WHERE index >= $1 AND index < $2 ORDER BY index"
)


async def _produce_asyncpg(
    database: Database,
    put: Callable[[Any], Awaitable[bool]],
    start: int,
    stop: int | None,
    batch: int,
) -> None:
    # asyncpg's own cursor: a third of the cost per row of SQLAlchemy's result rows, which
    # matters when the log has millions of them. The transaction a cursor needs is begun and
    # ended by SQLAlchemy, so the connection goes back to the pool as it came.
    async with database.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))  # begins the transaction
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        cursor = await driver.cursor(_SELECT, start, stop if stop is not None else 2**63 - 1)
        while part := await cursor.fetch(batch):
            if not await put(part):  # records unpack like tuples; copying them costs more
                break


async def over_rows(
    database: Database,
    consume: Callable[[Iterator[Row]], T],
    *,
    start: int = 0,
    stop: int | None = None,
    batch: int = BATCH,
) -> T:
    """``consume(rows)`` run in a worker thread over the log's rows streamed from the database."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=_QUEUED)
    wanted = True  # until the verifier has seen enough

    async def put(part: Any) -> bool:
        if wanted:
            await queue.put(part)
        return wanted

    async def produce() -> None:
        try:
            if database.dialect == "postgresql":
                await _produce_asyncpg(database, put, start, stop, batch)
            else:
                async with database.session() as session:
                    result = await session.stream(
                        query(start, stop), execution_options={"yield_per": batch}
                    )
                    async for part in result.partitions(batch):
                        if not await put([tuple(row) for row in part]):
                            break
            await queue.put(None)
        except BaseException as exc:  # the reader must hear of it, or it waits for ever
            await queue.put(_Failed(exc))
            if isinstance(exc, asyncio.CancelledError):
                raise

    def rows() -> Iterator[Any]:
        while True:
            part = asyncio.run_coroutine_threadsafe(queue.get(), loop).result()
            if part is None:
                return
            if isinstance(part, _Failed):
                raise part.error
            yield from part

    producer = asyncio.create_task(produce())
    try:
        return await asyncio.to_thread(consume, rows())
    finally:
        # Let the reader finish on its own (cancelling it mid-cursor would leave the
        # connection in a state the pool cannot reuse): stop it wanting, free the queue.
        wanted = False
        while not producer.done():
            while not queue.empty():
                queue.get_nowait()
            await asyncio.wait([producer], timeout=0.05)
        with contextlib.suppress(BaseException):
            producer.result()
