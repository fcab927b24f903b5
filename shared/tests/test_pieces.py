"""Unit tests of convenor_shared's small pieces."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import exc as sa_exc

from convenor_shared import testing
from convenor_shared.concurrency import check_if_match, etag_of
from convenor_shared.db import Database, new_id
from convenor_shared.jwks import RemoteRevocations
from convenor_shared.limits import RateLimitMiddleware
from convenor_shared.observability import Metrics, RequestContextMiddleware
from convenor_shared.pagination import PageParams, decode_cursor, encode_cursor
from convenor_shared.problems import BadRequest, PreconditionFailed, is_database_unavailable
from convenor_shared.tracing import build_tracer, instrument_client


class FakeRequest:
    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers


class TestIds:
    def test_ids_are_version_7_and_increase(self):
        ids = [new_id() for _ in range(2000)]
        assert all(i.version == 7 for i in ids)
        assert ids == sorted(ids)


class TestCursors:
    def test_a_cursor_round_trips(self):
        assert decode_cursor(encode_cursor({"id": "x", "n": 3})) == {"id": "x", "n": 3}

    @pytest.mark.parametrize("bad", ["%%%", "bm90IGpzb24", "WzEsMl0"])  # not b64, not JSON, a list
    def test_a_foreign_cursor_is_a_400(self, bad: str):
        with pytest.raises(BadRequest):
            decode_cursor(bad)

    def test_a_cursor_with_a_bad_id_is_a_400(self):
        with pytest.raises(BadRequest):
            PageParams(10, {"id": "nope"}).after_id()


class TestIfMatch:
    def test_a_matching_or_wildcard_or_absent_header_passes(self):
        current = etag_of(3, "abc")
        for headers in (
            {},
            {"if-match": current},
            {"if-match": "*"},
            {"if-match": f'"x", W/{current}'},
        ):
            check_if_match(FakeRequest(headers), current)  # type: ignore[arg-type]

    def test_another_version_is_412(self):
        with pytest.raises(PreconditionFailed):
            check_if_match(FakeRequest({"if-match": etag_of(2, "abc")}), etag_of(3, "abc"))  # type: ignore[arg-type]


class StateError(Exception):
    def __init__(self, sqlstate: str) -> None:
        self.sqlstate = sqlstate


class TestDatabaseErrors:
    @pytest.mark.parametrize("state", ["08006", "57P03", "57P01", "53300", "40001"])
    def test_sqlstates_meaning_try_again_are_unavailable(self, state: str):
        error = sa_exc.DBAPIError("stmt", {}, StateError(state))
        assert is_database_unavailable(error)

    @pytest.mark.parametrize("state", ["23505", "22P02", "42P01"])
    def test_other_sqlstates_are_not(self, state: str):
        assert not is_database_unavailable(sa_exc.DBAPIError("stmt", {}, StateError(state)))

    def test_a_dropped_connection_is_unavailable(self):
        assert is_database_unavailable(ConnectionError("unexpected connection_lost() call"))


class TestRateLimit:
    def test_a_bucket_refills_at_its_rate(self):
        limiter = RateLimitMiddleware(app=None, per_minute=60)  # type: ignore[arg-type]
        assert [limiter.take("a", 0.0) for _ in range(60)] == [0.0] * 60
        assert limiter.take("a", 0.0) == pytest.approx(1.0)
        assert limiter.take("a", 1.0) == 0.0
        assert limiter.take("b", 1.0) == 0.0


class TestTracing:
    async def test_a_trace_follows_a_call_from_one_app_to_another(self):
        exporter = InMemorySpanExporter()
        tracer, provider = build_tracer("test", endpoint=None, exporter=exporter)

        inner = FastAPI()

        @inner.get("/inner")
        async def inner_route() -> dict[str, str]:
            return {"ok": "yes"}

        class State:
            pass

        inner_state = State()
        inner_state.tracer = tracer  # type: ignore[attr-defined]
        inner_app = RequestContextMiddleware(inner, Metrics("inner"), inner_state)
        outbound = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=inner_app), base_url="http://inner"
        )
        instrument_client(outbound, tracer)

        outer = FastAPI()

        @outer.get("/outer")
        async def outer_route() -> dict[str, str]:
            return (await outbound.get("/inner")).json()

        outer_state = State()
        outer_state.tracer = tracer  # type: ignore[attr-defined]
        outer_app = RequestContextMiddleware(outer, Metrics("outer"), outer_state)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=outer_app), base_url="http://outer"
        ) as client:
            assert (await client.get("/outer")).json() == {"ok": "yes"}
        await outbound.aclose()
        provider.shutdown()

        spans = exporter.get_finished_spans()
        assert sorted(s.name for s in spans) == ["GET /inner", "GET /outer", "GET inner"]
        assert len({s.context.trace_id for s in spans}) == 1
        server_inner = next(s for s in spans if s.name == "GET /inner")
        client_span = next(s for s in spans if s.name == "GET inner")
        assert server_inner.parent.span_id == client_span.context.span_id
        assert uuid.UUID(int=spans[0].context.trace_id)


class TestRevocations:
    def caller(self, client_id: str) -> object:
        class C:
            pass

        caller = C()
        caller.client_id = client_id  # type: ignore[attr-defined]
        return caller

    async def test_a_revoked_client_is_seen_after_the_next_refresh(self):
        revoked: list[dict[str, str]] = []
        state = {"up": True, "status": 200}

        def handler(request: httpx.Request) -> httpx.Response:
            if not state["up"]:
                raise httpx.ConnectError("down")
            return httpx.Response(state["status"], json={"revoked": revoked})

        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            check = RemoteRevocations("http://issuer/oauth/revocations", client, ttl_seconds=0)
            assert await check(self.caller("a")) is False
            revoked.append({"client_id": "a"})
            assert await check(self.caller("a")) is True
            state["up"] = False  # outage: the last list known still applies
            assert await check(self.caller("a")) is True
            state.update(up=True, status=404)  # an issuer without a list: checks off
            assert await check(self.caller("a")) is False


@asynccontextmanager
async def driver_database(name: str, **options: Any) -> AsyncIterator[Database | None]:
    """A fresh database for RowQuery's driver path, or None on SQLite (no driver path)."""
    url = await testing.create_database(name)
    database = Database(url, **options)
    try:
        yield database if database.dialect == "postgresql" else None
    finally:
        await database.dispose()
        await testing.drop_database(url)


class TestRowQuery:
    """The driver-level one-row read gives exactly what ``session.execute`` gives."""

    async def test_a_row_matches_the_orm_execution_on_every_type(self):
        from datetime import UTC, date, datetime
        from decimal import Decimal

        from sqlalchemy import (
            Boolean,
            Column,
            Date,
            Integer,
            MetaData,
            Numeric,
            String,
            Table,
            Uuid,
            bindparam,
            select,
        )

        from convenor_shared.db import Database, JSONType, UTCDateTime
        from convenor_shared.fastpath import RowQuery

        table = Table(
            "row_query_things",
            MetaData(),
            Column("id", Uuid(), primary_key=True),
            Column("name", String(50)),
            Column("count", Integer),
            Column("cost", Numeric(12, 2), nullable=True),
            Column("flag", Boolean),
            Column("day", Date, nullable=True),
            Column("at", UTCDateTime()),
            Column("tags", JSONType),
        )
        query = RowQuery(lambda dialect: select(table).where(table.c.id == bindparam("id")))
        url = await testing.create_database("shared_rowquery")
        database = Database(url)
        try:
            async with database.engine.begin() as connection:
                await connection.run_sync(table.metadata.create_all)
            row_id = new_id()
            values = {
                "id": row_id,
                "name": "Safer Lincolnshire",
                "count": 3,
                "cost": Decimal("1234.50"),
                "flag": True,
                "day": date(2025, 4, 1),
                "at": datetime(2026, 11, 26, 10, 0, tzinfo=UTC),
                "tags": ["asb", {"nested": [1, None]}],
            }
            async with database.session() as session:
                await session.execute(table.insert(), values)
                await session.commit()
            async with database.read_session() as session:
                expected = (
                    (await session.execute(select(table).where(table.c.id == row_id)))
                    .mappings()
                    .one()
                )
                for _ in range(2):  # the first run learns the column types, the second uses them
                    got = await query.one_or_none(session, {"id": row_id})
                    assert got == dict(expected) == values
                    assert [type(v) for v in got.values()] == [type(v) for v in expected.values()]
                assert await query.one_or_none(session, {"id": uuid.uuid4()}) is None
        finally:
            await database.dispose()
            await testing.drop_database(url)

    async def test_a_connection_lost_mid_read_is_dropped_and_reads_as_unavailable(self):
        from sqlalchemy import Integer, bindparam, literal, select, text

        from convenor_shared.fastpath import RowQuery

        query = RowQuery(
            lambda dialect: select(
                literal(1).label("one"), bindparam("x", type_=Integer).label("x")
            )
        )
        async with driver_database("shared_rowquery_lost") as database:
            if database is None:
                return  # the driver path is PostgreSQL's; SQLite runs session.execute
            async with database.read_session() as session:
                pid = await session.scalar(text("SELECT pg_backend_pid()"))
                async with database.session() as killer:
                    await killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                with pytest.raises(sa_exc.DBAPIError) as caught:
                    await query.one_or_none(session, {"x": 2})
                assert caught.value.connection_invalidated
                assert is_database_unavailable(caught.value)
            async with database.read_session() as session:  # the pool gives a live connection
                assert await query.one_or_none(session, {"x": 2}) == {"one": 1, "x": 2}

    async def test_as_the_first_statement_of_a_transaction_it_runs_inside_it(self):
        """SQLAlchemy's asyncpg adapter sends BEGIN with its own first statement; a RowQuery
        that comes first must begin the transaction itself, or a transaction-scoped lock it
        takes is gone before the next statement."""
        import asyncio

        from sqlalchemy import func, select

        from convenor_shared.fastpath import RowQuery

        query = RowQuery(lambda dialect: select(func.now().label("started")))
        async with driver_database("shared_rowquery_begin") as database:
            if database is None:
                return  # the driver path is PostgreSQL's; SQLite runs session.execute
            async with database.session() as session:
                first = await query.one_or_none(session, {})
                await asyncio.sleep(0.02)
                later = await session.scalar(select(func.now()))
                assert first is not None
                assert first["started"] == later  # now() is the transaction's start time
                await session.rollback()

    async def test_a_connection_lost_before_its_transaction_began_reads_as_unavailable(self):
        """In a write session the RowQuery sends BEGIN itself: a dead connection fails there,
        and that failure too must be a 503, not an error the handlers do not know."""
        from sqlalchemy import literal, select, text

        from convenor_shared.fastpath import RowQuery

        query = RowQuery(lambda dialect: select(literal(1).label("one")))
        async with driver_database("shared_rowquery_lost_begin", pool_size=1) as database:
            if database is None:
                return  # the driver path is PostgreSQL's; SQLite runs session.execute
            async with database.session() as session:  # learn the pooled backend's pid
                pid = await session.scalar(text("SELECT pg_backend_pid()"))
                await session.rollback()
            async with database.read_session() as killer:
                await killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            async with database.session() as session:
                with pytest.raises(sa_exc.DBAPIError) as caught:
                    await query.one_or_none(session, {})
                assert caught.value.connection_invalidated
                assert is_database_unavailable(caught.value)
            async with database.session() as session:  # the pool gives a live connection
                assert await query.one_or_none(session, {}) == {"one": 1}
