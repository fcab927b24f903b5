"""``Idempotency-Key`` on POSTs that create: at most one effect per key, and a faithful replay.

Semantics (draft-ietf-httpapi-idempotency-key-header):

* same key, same body: the first response is replayed, with ``Idempotent-Replayed: true``;
* same key, another body: 422;
* same key while the first request is still in flight: 409 with ``Retry-After``;
* missing key where the service requires one: 400.

Keys belong to the client that sent them. Everything happens in the request's own
transaction, so an effect and its record commit together or not at all:

1. on PostgreSQL, a transaction-scoped advisory lock on the (client, key) pair is *tried*:
   if another transaction holds it, the first request is still in flight (409);
2. the stored record, if any, is read (on PostgreSQL in the same statement as the lock): a
   replay, or a 422 for another body;
3. the work is done, and the response is inserted as the key's record just before commit.

A crash before commit leaves neither effect nor record, so a retry simply runs again. On
SQLite, writers are serialised by the database (``BEGIN IMMEDIATE``), so a duplicate waits
for the first to commit and then replays it. If two requests nevertheless both reach the
insert, the unique index lets one commit and the other is rolled back and answered with the
winner's response.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import (
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    and_,
    bindparam,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from convenor_shared.auth import authenticate
from convenor_shared.db import JSONType, UTCDateTime, utcnow
from convenor_shared.fastpath import RowQuery
from convenor_shared.problems import BadRequest, Conflict, Unprocessable
from convenor_shared.transactions import before_commit

HEADER = "idempotency-key"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
Policy = Literal["optional", "required"]
REPLAY_HEADERS = ("content-type", "location", "etag")
PENDING_KEY = "convenor.idempotency"
_RECORDS = "convenor.idempotency.records"  # session.info: records to write before commit
LOCK_CLASS = 72_431  # the advisory-lock namespace of idempotency keys (two-int form)


class IdempotencyKeyMixin:
    """Columns of a service's ``idempotency_keys`` table."""

    __tablename__ = "idempotency_keys"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (UniqueConstraint("client_id", "key", name="uq_idempotency_keys_client_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(255))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    headers: Mapped[dict[str, str] | None] = mapped_column(JSONType, nullable=True)
    body: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


def policy_for(route: APIRoute) -> Policy | None:
    """Which POST routes take a key: those that create (201) unless they opt out."""
    extra = route.openapi_extra or {}
    if "x-idempotency-key" in extra:
        value = extra["x-idempotency-key"]
        return value if value in ("optional", "required") else None
    if "POST" in (route.methods or set()) and route.status_code == 201:
        return "optional"
    return None


@dataclass(frozen=True)
class Pending:
    """A keyed request under way: what its record will hold."""

    model: type[IdempotencyKeyMixin]
    client_id: str
    key: str
    fingerprint: str


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """What makes two requests "the same request" for a key."""
    digest = hashlib.sha256()
    digest.update(method.encode())
    digest.update(b"\0" + path.encode())
    digest.update(b"\0" + query.encode())
    digest.update(b"\0" + body)
    return digest.hexdigest()


async def prepare(request: Request, policy: Policy) -> Pending | None:
    """Check the key's header and remember what the request's record will be."""
    key = request.headers.get(HEADER)
    required = policy == "required" or getattr(request.app.state, "idempotency_required", False)
    if key is None and not required:
        return None
    # Who is calling before what the key looks like: a caller without a valid token hears
    # 401, not advice about headers.
    caller = await authenticate(request)
    if key is None:
        raise BadRequest("This operation needs an Idempotency-Key header (a unique string).")
    if not KEY_PATTERN.fullmatch(key):
        raise BadRequest("Idempotency-Key must be 1 to 255 printable ASCII characters.")
    pending = Pending(
        model=request.app.state.idempotency_model,
        client_id=caller.client_id,
        key=key,
        fingerprint=fingerprint(
            request.method, request.url.path, request.url.query, await request.body()
        ),
    )
    request.scope[PENDING_KEY] = pending
    return pending


def _lock_id(pending: Pending) -> int:
    digest = hashlib.sha256(f"{pending.client_id}\0{pending.key}".encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


_STATEMENTS: dict[tuple[str, type[Any]], Any] = {}  # built once per model


def _lookup(model: type[Any]) -> Any:
    cached = _STATEMENTS.get(("lookup", model))
    if cached is not None:
        return cached
    table = model.__table__
    statement = select(
        table.c.fingerprint, table.c.status_code, table.c.headers, table.c.body
    ).where(table.c.client_id == bindparam("client_id"), table.c.key == bindparam("key"))
    _STATEMENTS[("lookup", model)] = statement
    return statement


def _claim(model: type[Any]) -> RowQuery:
    """PostgreSQL: try the key's lock and read its record in one round trip. The record is
    read in the statement's snapshot, taken before the lock: if the first request commits in
    between, this one does not see its record, runs, and loses the race at the unique index
    (answered with the winner's response, as any lost race is)."""
    cached = _STATEMENTS.get(("claim", model))
    if cached is not None:
        return cast(RowQuery, cached)
    table = model.__table__

    def build(dialect: str) -> Any:
        one = select(literal(1).label("one")).subquery()
        return select(
            func.pg_try_advisory_xact_lock(bindparam("class"), bindparam("lock")).label("claimed"),
            table.c.fingerprint,
            table.c.status_code,
            table.c.headers,
            table.c.body,
        ).select_from(
            one.outerjoin(
                table,
                and_(
                    table.c.client_id == bindparam("client_id"),
                    table.c.key == bindparam("key"),
                ),
            )
        )

    query = _STATEMENTS[("claim", model)] = RowQuery(build)
    return query


async def replay_if_done(session: AsyncSession, pending: Pending) -> Response | None:
    """In the request's transaction, before the work: 409, 422, a replay, or None to proceed."""
    if session.get_bind().dialect.name != "postgresql":
        return await _stored(session, pending)
    # Only the key's own table is read: what the transaction holds unflushed (in a group
    # commit, other requests' work) waits for the flush before commit.
    with session.no_autoflush:
        row = await _claim(pending.model).one_or_none(
            session,
            {
                "class": LOCK_CLASS,
                "lock": _lock_id(pending),
                "client_id": pending.client_id,
                "key": pending.key,
            },
        )
    if row is None or not row["claimed"]:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed.",
            headers={"Retry-After": "1"},
        )
    return _replay(row, pending) if row["fingerprint"] is not None else None


async def _stored(session: AsyncSession, pending: Pending) -> Response | None:
    row = (
        await session.execute(
            _lookup(pending.model), {"client_id": pending.client_id, "key": pending.key}
        )
    ).one_or_none()
    if row is None:
        return None
    return _replay(dict(row._mapping), pending)


def _replay(row: Mapping[str, Any], pending: Pending) -> Response:
    if row["fingerprint"] != pending.fingerprint:
        raise Unprocessable(
            "This Idempotency-Key was used with a different request; use a new key."
        )
    headers = dict(row["headers"] or {})
    headers["Idempotent-Replayed"] = "true"
    return Response(
        content=row["body"] or b"", status_code=row["status_code"] or 200, headers=headers
    )


def _insert(model: type[Any]) -> Any:
    statement = _STATEMENTS.get(("insert", model))
    if statement is None:  # Core on the table: no ORM bulk-insert path
        statement = _STATEMENTS[("insert", model)] = insert(model.__table__)
    return statement


async def record(session: AsyncSession, pending: Pending, response: Response) -> None:
    """Store the response as the key's record, in the request's own transaction: queued, and
    written with any others of the transaction just before it commits."""
    now = utcnow()
    records: list[dict[str, Any]] = session.info.setdefault(_RECORDS, [])
    records.append(
        {
            "client_id": pending.client_id,
            "key": pending.key,
            "fingerprint": pending.fingerprint,
            "state": "done",
            "claimed_at": now,
            "status_code": response.status_code,
            "headers": {k: v for k, v in response.headers.items() if k in REPLAY_HEADERS},
            "body": bytes(response.body),
            "completed_at": now,
        }
    )
    model = pending.model

    async def write(session: AsyncSession) -> None:
        rows = session.info.pop(_RECORDS, [])
        if rows:
            await session.execute(_insert(model), rows)

    before_commit(session, "idempotency", write)


def is_key_conflict(exc: BaseException) -> bool:
    """True when ``exc`` is a second record for the same key (a lost race)."""
    return "uq_idempotency_keys_client_key" in str(exc) or "idempotency_keys.client_id" in str(exc)


async def replay_after_race(database: Any, pending: Pending) -> Response:
    """The response of the request that won a race to the same key (read after it committed)."""
    async with database.session() as session:
        stored = await _stored(session, pending)
    if stored is None:  # the winner rolled back after all; the client may simply retry
        raise Conflict(
            "A request with this Idempotency-Key was under way; retry.",
            headers={"Retry-After": "1"},
        )
    return stored


def openapi_parameter(required: bool) -> dict[str, Any]:
    """The ``Idempotency-Key`` header as documented in OpenAPI."""
    return {
        "name": "Idempotency-Key",
        "in": "header",
        "required": required,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
        "description": (
            "A unique key per intended effect: a retry with the same key and body replays the "
            "first response; another body with the same key is refused with 422."
        ),
    }
