"""The stored log, read in index order as a stream, for code that walks it synchronously.

The evidence library's verifiers take a plain iterator of rows and run for as long as the log
is long. :func:`over_rows` reads the rows with a server-side cursor (PostgreSQL) in batches on
the event loop and hands them to the verifier running in a worker thread through a small
queue, so neither the whole log nor more than a few batches are ever in memory, and the event
loop stays free while millions of rows are hashed.

Each row is a tuple ``(index, entry, leaf_hash, chain_hash)`` where ``entry`` is the stored
canonical bytes: what :func:`~convenor_gateway.evidence.canonical.row_fields` reads.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from sqlalchemy import select

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
    queue: asyncio.Queue[list[Row] | _Failed | None] = asyncio.Queue(maxsize=_QUEUED)

    async def produce() -> None:
        try:
            async with database.session() as session:
                result = await session.stream(
                    query(start, stop), execution_options={"yield_per": batch}
                )
                async for part in result.partitions(batch):
                    await queue.put([tuple(row) for row in part])  # type: ignore[misc]
            await queue.put(None)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # the reader must hear of it, or it waits for ever
            await queue.put(_Failed(exc))

    def rows() -> Iterator[Row]:
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
        producer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await producer
