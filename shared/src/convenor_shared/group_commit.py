"""Group commit: concurrent requests to one hot write route share one transaction.

A route marked with :func:`convenor_shared.routing.group_commit` does not open a transaction of
its own on PostgreSQL. Its requests join a *batch*: one session, used by one member at a time
(each runs its whole handler in turn, as it would alone), committed once when every member
has had its turn. Whatever the members queued for commit (the change feed, the gateway's audit
entries, the idempotency records) is written then, with one write lock, one statement per table
and one ``COMMIT``. Requests that arrive while a batch commits form the next one.

What a client sees does not change:

- each member's response is sent only after the commit that holds its write;
- if any member fails (an exception, a response that is not a success) or the commit fails,
  the batch is rolled back and **every member runs again on its own**, in a transaction of its
  own, exactly as an unmarked route runs; the outcome (its error included) is the one it would
  have had without batching. Only a member whose idempotency claim failed leaves without
  that: it wrote nothing, so it gets its answer and the others go on;
- a member cancelled while waiting for its turn leaves the batch; one cancelled during its
  turn fails the batch (the others run on their own).

A member's handler must keep all of its effects in the session (no commits of its own, no
writes elsewhere): running it twice must be the same as running it once. And only requests with
an ``Idempotency-Key`` are grouped (:mod:`convenor_shared.routing` sees to it): when a commit's
outcome is unknown (the connection dropped during ``COMMIT``), each member runs again, and its
key then replays what did land instead of writing it twice. SQLite has one writer and gains
nothing; there the route runs as any other.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

from fastapi import Response
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_shared.db import Database
from convenor_shared.transactions import commit, rollback

log = logging.getLogger("convenor.group_commit")

Work = Callable[[AsyncSession], Awaitable[Response]]


class LeaveBatch(Exception):  # noqa: N818: a signal, carrying the error to give the client
    """Raised by a member's work before it wrote anything: it leaves the batch and its client
    gets ``error``; the batch goes on without it."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(eq=False)
class _Batch:
    session: AsyncSession
    done: asyncio.Future[bool]  # True: committed; False: rolled back, run alone
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    members: int = 0  # joined and not left
    finished: int = 0  # had their turn and wait for the commit
    closed: bool = False  # no one else may join
    failed: bool = False


class GroupCommit:
    """Batches of at most ``max_members`` requests, for one database."""

    def __init__(self, database: Database, max_members: int) -> None:
        self.database = database
        self.max_members = max_members
        self._open: _Batch | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.batches = 0  # committed
        self.committed_members = 0  # requests in them
        self.alone = 0  # requests sent to run on their own because their batch failed

    def _join(self) -> _Batch:
        batch = self._open
        if batch is None or batch.closed:
            loop = asyncio.get_running_loop()
            batch = self._open = _Batch(self.database.session(), loop.create_future())
        batch.members += 1
        if batch.members >= self.max_members:
            self._close(batch)
        return batch

    def _close(self, batch: _Batch) -> None:
        batch.closed = True
        if self._open is batch:
            self._open = None

    async def run(self, work: Work) -> Response | None:
        """The member's response once its batch has committed, or None if it must run on its
        own (the batch failed). Raises what ``work`` raised through :class:`LeaveBatch`."""
        batch = self._join()
        try:
            await batch.turn.acquire()
        except BaseException:  # cancelled while waiting: leave
            batch.members -= 1
            self._spawn_finish(batch)
            raise
        try:
            if batch.failed:
                batch.members -= 1
                self.alone += 1
                return None
            try:
                response = await work(batch.session)
            except LeaveBatch as leave:
                batch.members -= 1
                await self._finish_if_complete(batch)
                raise leave.error from None
            except BaseException as exc:
                await self._fail(batch, exc)
                if not isinstance(exc, Exception):
                    raise
                return None
            batch.finished += 1
            await self._finish_if_complete(batch)
        finally:
            batch.turn.release()
        if not await asyncio.shield(batch.done):
            self.alone += 1
            return None
        return response

    async def _finish_if_complete(self, batch: _Batch) -> None:
        """Commit (or, if everyone left, drop) the batch once every member has had its turn.
        The caller holds the turn."""
        if batch.failed or batch.done.done() or batch.finished < batch.members:
            return
        self._close(batch)
        if batch.finished == 0:
            await self._end(batch, committed=False)
            return
        try:
            await commit(batch.session)
        except Exception as exc:
            log.info(
                "a batch of %d requests did not commit; each runs again on its own: %s",
                batch.finished,
                exc.__class__.__name__,
            )
            await self._end(batch, committed=False)
            return
        except BaseException:  # cancelled during the commit: its outcome is unknown
            await self._end(batch, committed=False)
            raise
        self.batches += 1
        self.committed_members += batch.finished
        await self._end(batch, committed=True)

    async def _fail(self, batch: _Batch, exc: BaseException) -> None:
        log.debug("a member failed (%s); its batch runs again alone", exc.__class__.__name__)
        self.alone += 1
        batch.failed = True
        batch.members -= 1
        await self._end(batch, committed=False)

    async def _end(self, batch: _Batch, *, committed: bool) -> None:
        self._close(batch)
        if not batch.done.done():
            batch.done.set_result(committed)
        # Shielded: a cancelled member must not leave the connection in a transaction.
        await asyncio.shield(self._release(batch.session, committed))

    @staticmethod
    async def _release(session: AsyncSession, committed: bool) -> None:
        try:
            if not committed:
                await rollback(session)
        finally:
            await session.close()

    def _spawn_finish(self, batch: _Batch) -> None:
        """A member left while waiting: if it was the one the batch waited for, finish it."""
        if batch.failed or batch.done.done() or batch.finished < batch.members:
            return

        async def finish() -> None:
            async with batch.turn:
                await self._finish_if_complete(batch)

        task = asyncio.get_running_loop().create_task(finish())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


class GroupCommitCollector(Collector):
    """How well requests batch, read at scrape time: requests per committed batch is
    ``requests / batches``; ``alone`` counts requests run again on their own."""

    def __init__(self, batches: GroupCommit) -> None:
        self.group = batches

    def collect(self) -> Iterator[CounterMetricFamily]:
        group = self.group
        yield CounterMetricFamily(
            "convenor_group_commit_batches", "Group-commit batches committed", value=group.batches
        )
        yield CounterMetricFamily(
            "convenor_group_commit_requests",
            "Requests committed in group-commit batches",
            value=group.committed_members,
        )
        yield CounterMetricFamily(
            "convenor_group_commit_alone",
            "Requests of failed batches, run again on their own",
            value=group.alone,
        )
