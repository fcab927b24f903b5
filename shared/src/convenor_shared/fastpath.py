"""One-row reads on the hottest paths, run on the driver connection where that is worth it.

For a read of one row by key, SQLAlchemy's execution layer (the session's execute, the
execution context, the result object) costs more CPU than the database round trip itself: in
``bench/registry_read.py`` it was about a third of a whole ``GET``. :class:`RowQuery` keeps the
query a Core ``SELECT`` (built once per dialect, compiled by SQLAlchemy) and, on PostgreSQL,
runs the compiled SQL straight on the session's asyncpg connection, applying each column's
SQLAlchemy result processing itself, so a row is the same mapping ``session.execute`` gives.
Elsewhere (SQLite) it is ``session.execute``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import Select
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from convenor_shared.problems import is_database_unavailable

Processor = Callable[[Any], Any] | None


@dataclass
class _Compiled:
    statement: Select[Any]
    sql: str
    keys: list[str]
    # Parameter name, bind processor and fixed value (a literal's), in the SQL's order.
    params: list[tuple[str, Processor, Any]]
    # Result processors, one per column; known once the first row's column types are seen.
    results: list[Processor] | None = None


class RowQuery:
    """A ``SELECT`` of at most one row, built by ``build(dialect_name)`` once per dialect."""

    def __init__(self, build: Callable[[str], Select[Any]]) -> None:
        self._build = build
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            statement = self._build(dialect.name)
            compiled = statement.compile(dialect=dialect)
            binds = compiled.binds
            params: list[tuple[str, Processor, Any]] = [
                (
                    name,
                    binds[name].type.dialect_impl(dialect).bind_processor(dialect),  # type: ignore[misc]
                    binds[name].effective_value,
                )
                for name in compiled.positiontup or ()
            ]
            keys = [column.key for column in statement.selected_columns]
            if None in keys:
                raise ValueError("every column of a RowQuery needs a name (label it)")
            found = _Compiled(statement, compiled.string, [str(k) for k in keys], params)
            self._compiled[dialect.name] = found
        return found

    async def one_or_none(
        self, session: AsyncSession, params: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """The row as a dict keyed by column, or None."""
        dialect = session.get_bind().dialect
        compiled = self._compile(dialect)
        if dialect.driver != "asyncpg":
            row = (await session.execute(compiled.statement, params)).mappings().one_or_none()
            return dict(row) if row is not None else None
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        args = []
        for name, process, fixed in compiled.params:
            value = params.get(name, fixed)
            args.append(process(value) if process is not None else value)
        try:
            await _begun(raw.dbapi_connection)
            if compiled.results is None:
                prepared = await driver.prepare(compiled.sql)
                compiled.results = _result_processors(
                    compiled.statement, dialect, [a.type.oid for a in prepared.get_attributes()]
                )
            record = await driver.fetchrow(compiled.sql, *args)
        except BaseException as exc:
            await _failed(connection, compiled.sql, args, exc)
            raise
        if record is None:
            return None
        return {
            key: process(value) if process is not None and value is not None else value
            for key, process, value in zip(compiled.keys, compiled.results, record, strict=True)
        }


async def _begun(adapter: Any) -> None:
    """Make sure the session's transaction has begun on the server. SQLAlchemy's asyncpg
    adapter sends ``BEGIN`` only with the first statement it runs itself; a statement sent
    straight to the driver before that would run outside the transaction (and a
    transaction-scoped lock it took would be released at once). Autocommit connections (the
    read pool) have no transaction to begin."""
    if getattr(adapter, "_transaction", None) is None:
        async with adapter._execute_mutex:
            if adapter._transaction is None:
                await adapter._start_transaction()


async def _failed(
    connection: AsyncConnection, sql: str, args: list[Any], exc: BaseException
) -> None:
    """Surface a driver error as SQLAlchemy would: a connection that broke (or a call cancelled
    half way, which leaves it unusable) leaves the pool, and the error is a ``DBAPIError`` for
    the problem handlers to classify (503 when the database is unavailable)."""
    # SQLAlchemy's adapter (which began the transaction) raises its own DBAPI-style error
    # with the driver's as its cause.
    if isinstance(exc, AsyncAdapt_asyncpg_dbapi.Error) and exc.__cause__ is not None:
        exc = exc.__cause__
    # The server's own errors (and a bad argument, refused before sending) leave the
    # connection usable; any other client-side error means its state is lost.
    usable = isinstance(exc, asyncpg.PostgresError | ValueError)
    lost = not isinstance(exc, Exception) or not usable or is_database_unavailable(exc)
    if lost:
        await connection.invalidate()
    if isinstance(exc, Exception):
        raise sa_exc.DBAPIError(sql, args, exc, connection_invalidated=lost) from exc


def _result_processors(
    statement: Select[Any], dialect: Dialect, type_codes: Sequence[int]
) -> list[Processor]:
    return [
        column.type.dialect_impl(dialect).result_processor(dialect, code)
        for column, code in zip(statement.selected_columns, type_codes, strict=True)
    ]
