"""Group commit: members share one transaction, and any failure runs every member alone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import Response
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_shared import testing
from convenor_shared.db import Database
from convenor_shared.group_commit import GroupCommit, LeaveBatch
from convenor_shared.problems import Conflict
from convenor_shared.transactions import before_commit

things = Table(
    "group_commit_things",
    MetaData(),
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(50), unique=True),
)


@pytest.fixture(scope="module")
async def database() -> AsyncIterator[Database]:
    url = await testing.create_database("shared_group_commit")
    database = Database(url)
    async with database.engine.begin() as connection:
        await connection.run_sync(things.metadata.create_all)
    yield database
    await database.dispose()
    await testing.drop_database(url)


@pytest.fixture(autouse=True)
async def empty(database: Database) -> None:
    async with database.session() as session:
        await session.execute(things.delete())
        await session.commit()


async def names(database: Database) -> list[str]:
    async with database.session() as session:
        return sorted((await session.execute(select(things.c.name))).scalars())


def writer(name: str, seen: list[Any] | None = None, pause: float = 0.01) -> Any:
    """A member's work: insert ``name`` (through a before-commit hook, as the change feed and
    the audit log write) and note which transaction it ran in."""

    async def work(session: AsyncSession) -> Response:
        await asyncio.sleep(pause)  # a database round trip: others arrive meanwhile
        if seen is not None:
            seen.append(await session.scalar(transaction_marker(session)))
        queued: list[str] = session.info.setdefault("test.names", [])
        queued.append(name)

        async def flush(session: AsyncSession) -> None:
            rows = [{"name": n} for n in session.info.pop("test.names", [])]
            await session.execute(insert(things), rows)

        before_commit(session, "test.names", flush)
        return Response(name, status_code=201)

    return work


def transaction_marker(session: AsyncSession) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return text("SELECT pg_current_xact_id()::text")
    return select(func.random())  # SQLite: only one connection writes; no marker needed


async def test_concurrent_members_commit_together_in_one_transaction(database: Database):
    batches = GroupCommit(database, max_members=8)
    seen: list[Any] = []
    responses = await asyncio.gather(*(batches.run(writer(f"n{i}", seen)) for i in range(8)))
    assert [r.body for r in responses if r is not None] == [f"n{i}".encode() for i in range(8)]
    assert await names(database) == sorted(f"n{i}" for i in range(8))
    assert batches.batches == 1 and batches.committed_members == 8
    if database.dialect == "postgresql":
        assert len(set(seen)) == 1


async def test_a_batch_takes_no_more_than_its_limit(database: Database):
    batches = GroupCommit(database, max_members=3)
    responses = await asyncio.gather(*(batches.run(writer(f"m{i}")) for i in range(7)))
    assert all(r is not None for r in responses)
    assert batches.batches == 3 and batches.committed_members == 7
    assert len(await names(database)) == 7


async def test_a_failing_member_sends_every_member_of_its_batch_to_run_alone(database: Database):
    batches = GroupCommit(database, max_members=8)

    async def fails(session: AsyncSession) -> Response:
        await session.execute(insert(things), {"name": "half-done"})
        raise RuntimeError("boom")

    works = [writer("a"), writer("b"), fails, writer("c")]
    responses = await asyncio.gather(*(batches.run(w) for w in works))
    assert responses == [None, None, None, None]  # each must run again on its own
    assert await names(database) == []  # nothing of the batch landed, the failure's row neither
    assert batches.committed_members == 0 and batches.alone == 4


async def test_a_commit_that_fails_sends_every_member_to_run_alone(database: Database):
    batches = GroupCommit(database, max_members=8)
    responses = await asyncio.gather(*(batches.run(writer(n)) for n in ("x", "y", "x")))
    assert responses == [None, None, None]  # the unique name fails the one commit
    assert await names(database) == []
    assert batches.batches == 0 and batches.alone == 3


async def test_a_member_leaving_before_writing_does_not_disturb_the_others(database: Database):
    batches = GroupCommit(database, max_members=8)

    async def busy(session: AsyncSession) -> Response:
        raise LeaveBatch(Conflict("still being processed"))

    results = await asyncio.gather(
        batches.run(writer("p")),
        batches.run(busy),
        batches.run(writer("q")),
        return_exceptions=True,
    )
    assert isinstance(results[1], Conflict)
    assert [r.body for r in results if isinstance(r, Response)] == [b"p", b"q"]
    assert await names(database) == ["p", "q"]
    assert (batches.committed_members, batches.alone) == (2, 0)


async def test_a_member_cancelled_while_waiting_leaves_and_the_batch_still_commits(
    database: Database,
):
    batches = GroupCommit(database, max_members=8)
    first = asyncio.create_task(batches.run(writer("first", pause=0.1)))
    await asyncio.sleep(0.02)  # "first" holds the turn
    waiting = asyncio.create_task(batches.run(writer("never")))
    await asyncio.sleep(0.01)
    waiting.cancel()
    response = await first
    assert response is not None and response.body == b"first"
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert await names(database) == ["first"]


async def test_the_last_member_cancelled_while_waiting_still_lets_the_batch_commit(
    database: Database,
):
    """The member the batch waits for leaves after every other has had its turn: the batch
    commits without it (or the others would wait for ever)."""
    batches = GroupCommit(database, max_members=8)
    last: asyncio.Task[Response | None] | None = None
    inner = writer("one")

    async def cancels_the_next(session: AsyncSession) -> Response:
        response = await inner(session)
        assert last is not None
        last.cancel()  # delivered while "two" still waits for its turn
        return response

    first = asyncio.create_task(batches.run(cancels_the_next))
    await asyncio.sleep(0)
    last = asyncio.create_task(batches.run(writer("two")))
    response = await asyncio.wait_for(first, timeout=5)
    assert response is not None and response.body == b"one"
    with pytest.raises(asyncio.CancelledError):
        await last
    assert await names(database) == ["one"]


async def test_a_member_cancelled_during_its_turn_fails_the_batch(database: Database):
    batches = GroupCommit(database, max_members=8)
    slow = asyncio.create_task(batches.run(writer("slow", pause=0.2)))
    await asyncio.sleep(0.01)
    other = asyncio.create_task(batches.run(writer("other")))
    await asyncio.sleep(0.05)
    slow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await slow
    assert await asyncio.wait_for(other, timeout=5) is None  # runs again on its own
    assert await names(database) == []
    # The batch's connection went back clean: the next batch works.
    response = await batches.run(writer("after"))
    assert response is not None and await names(database) == ["after"]
