"""Rows written at commit (insert_at_commit): in foreign-key order, as they stand at commit,
with column defaults for what was never set."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import ForeignKey, Integer, String, Uuid, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from convenor_shared import testing
from convenor_shared.db import Database
from convenor_shared.transactions import commit, insert_at_commit, rollback


class Base(DeclarativeBase):
    pass


class Parent(Base):
    __tablename__ = "at_commit_parents"
    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)
    note: Mapped[str | None] = mapped_column(String(40), nullable=True)


class Child(Base):
    __tablename__ = "at_commit_children"
    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True)
    parent_id: Mapped[uuid.UUID] = mapped_column(Uuid(), ForeignKey("at_commit_parents.id"))


@pytest.fixture(scope="module")
async def database() -> AsyncIterator[Database]:
    url = await testing.create_database("shared_at_commit")
    database = Database(url)
    async with database.engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    yield database
    await database.dispose()
    await testing.drop_database(url)


async def test_rows_land_parents_first_as_they_stand_at_commit(database: Database):
    async with database.session() as session:
        if database.dialect == "sqlite":
            from sqlalchemy import text

            await session.execute(text("PRAGMA foreign_keys=ON"))
        parents = [Parent(id=uuid.uuid4(), name=f"p{n}") for n in range(3)]
        children = []
        for parent in parents:  # a child queued before its parent: order is the tables'
            child = Child(id=uuid.uuid4(), parent_id=parent.id)
            insert_at_commit(session, child)
            children.append(child)
            insert_at_commit(session, parent)
        parents[1].note = "changed after queueing"  # written as it stands at commit
        parents[2].version = 5
        assert (await session.execute(select(Parent))).first() is None  # nothing yet
        await commit(session)
    async with database.session() as session:
        rows = {p.name: p for p in (await session.execute(select(Parent))).scalars()}
        assert {n: (p.version, p.note) for n, p in rows.items()} == {
            "p0": (1, None),  # never set: the column default, and NULL
            "p1": (1, "changed after queueing"),
            "p2": (5, None),
        }
        kids = set((await session.execute(select(Child.id))).scalars())
        assert kids == {c.id for c in children}


async def test_a_rolled_back_transaction_writes_nothing(database: Database):
    async with database.session() as session:
        insert_at_commit(session, Parent(id=uuid.uuid4(), name="never"))
        await rollback(session)
        insert_at_commit(session, Parent(id=uuid.uuid4(), name="later"))
        await commit(session)  # the same session's next transaction writes only its own
    async with database.session() as session:
        names = set((await session.execute(select(Parent.name))).scalars())
        assert "later" in names and "never" not in names
