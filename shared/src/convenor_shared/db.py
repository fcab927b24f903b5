"""Database plumbing: one async engine per service, built in the app's lifespan, never at import.

The same code runs on SQLite (the embedded default, through aiosqlite) and PostgreSQL (asyncpg).
Timestamps are always aware UTC; identifiers are time-ordered UUIDs (version 7), so keyset
pagination by id follows creation order.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    DateTime,
    MetaData,
    cast,
    event,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")


def make_metadata() -> MetaData:
    """A fresh ``MetaData`` with the project's constraint naming convention."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC one is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_uuid7_lock = threading.Lock()
_uuid7_last = 0


def new_id() -> uuid.UUID:
    """A UUID version 7 (RFC 9562): 48-bit millisecond time then random bits, monotonic here."""
    global _uuid7_last
    with _uuid7_lock:
        ms = time.time_ns() // 1_000_000
        # 12 bits of sub-millisecond counter keep ids from one process strictly increasing.
        candidate = ms << 12
        if candidate <= _uuid7_last:
            candidate = _uuid7_last + 1
        _uuid7_last = candidate
    ms, counter = candidate >> 12, candidate & 0xFFF
    rand = int.from_bytes(secrets.token_bytes(8), "big") & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | rand
    return uuid.UUID(int=value)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy emits BEGIN itself (see _sqlite_begin), so the driver must not.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # A write transaction takes the database's write lock up front (BEGIN IMMEDIATE), so two
    # writers queue on busy_timeout instead of one failing at its first write.
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _ensure_sqlite_directory(url: str) -> None:
    prefix = "sqlite+aiosqlite:///"
    if url.startswith(prefix):
        path = url[len(prefix) :].split("?", 1)[0]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


def create_engine(
    url: str, *, pool_size: int = 10, timeout: float = 5.0, autocommit: bool = False
) -> AsyncEngine:
    """Build the async engine for ``url`` with settings that suit each backend."""
    # No pre-ping: it costs a round trip per request. After a database restart the first use
    # of a dead connection fails (503, retry) and SQLAlchemy then invalidates the whole pool.
    kwargs: dict[str, Any] = {"pool_recycle": 1800}
    if url.startswith("sqlite"):
        _ensure_sqlite_directory(url)
        kwargs["connect_args"] = {"timeout": 10}
    else:
        kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_timeout=timeout)
        if url.startswith("postgresql+asyncpg"):
            kwargs["connect_args"] = {"timeout": timeout, "command_timeout": max(timeout * 6, 30)}
    if autocommit:
        kwargs["isolation_level"] = "AUTOCOMMIT"
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


class Database:
    """An engine and its session factory, owned by one app (built in its lifespan)."""

    def __init__(self, url: str, *, pool_size: int = 10, timeout: float = 5.0) -> None:
        self.url = url
        self.engine = create_engine(url, pool_size=pool_size, timeout=timeout)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # Reads that write nothing need no BEGIN/ROLLBACK round trips on PostgreSQL. They get
        # a pool of their own: switching a pooled connection's isolation level per checkout
        # costs more than the round trips it saves.
        self.read_engine = (
            create_engine(url, pool_size=pool_size, timeout=timeout, autocommit=True)
            if self.engine.dialect.name == "postgresql"
            else self.engine
        )
        self.read_sessionmaker = async_sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> AsyncSession:
        return self.sessionmaker()

    def read_session(self) -> AsyncSession:
        """A session for a request that only reads: each statement commits on its own."""
        return self.read_sessionmaker()

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


def default_sqlite_url(service: str) -> str:
    """``sqlite+aiosqlite:///var/<service>.db`` relative to the working directory."""
    return f"sqlite+aiosqlite:///{os.path.join('var', service + '.db')}"


def json_array_contains(column: Any, value: str, dialect: str) -> ColumnElement[bool]:
    """``value in column`` for a JSON array column, on PostgreSQL and SQLite alike."""
    if dialect == "postgresql":
        return column.op("@>")(cast(literal(json.dumps([value])), JSONB))  # type: ignore[no-any-return]
    each = func.json_each(column).table_valued("value")
    return exists(select(literal(1)).select_from(each).where(each.c.value == value))
