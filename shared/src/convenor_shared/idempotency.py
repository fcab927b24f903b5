"""``Idempotency-Key`` on POSTs that create: at most one effect per key, and a faithful replay.

Semantics (draft-ietf-httpapi-idempotency-key-header):

* same key, same body: the first response is replayed, with ``Idempotent-Replayed: true``;
* same key, another body: 422;
* same key while the first request is still in flight: 409 with ``Retry-After``;
* missing key where the service requires one: 400.

Keys belong to the client that sent them. The key is claimed in its own short transaction
(so a concurrent duplicate sees it), and marked done in the *same* transaction as the effect,
so a crash can never leave an effect without its record or a record without its effect. A
request that fails releases its key; a claim abandoned by a crashed process expires after
``LEASE``.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from convenor_shared.auth import authenticate
from convenor_shared.db import JSONType, UTCDateTime, utcnow
from convenor_shared.problems import BadRequest, Conflict, Unprocessable

log = logging.getLogger("convenor.idempotency")
LEASE = timedelta(seconds=60)
HEADER = "idempotency-key"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
Policy = Literal["optional", "required"]
REPLAY_HEADERS = ("content-type", "location", "etag")
RECORD_KEY = "convenor.idempotency"


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


@dataclass
class Record:
    model: type[IdempotencyKeyMixin]
    row_id: int


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """What makes two requests "the same request" for a key."""
    digest = hashlib.sha256()
    digest.update(method.encode())
    digest.update(b"\0" + path.encode())
    digest.update(b"\0" + query.encode())
    digest.update(b"\0" + body)
    return digest.hexdigest()


def _insert(dialect: str, model: type[IdempotencyKeyMixin]) -> Any:
    statement = pg_insert(model) if dialect == "postgresql" else sqlite_insert(model)
    return statement.on_conflict_do_nothing(index_elements=["client_id", "key"])


async def run(
    request: Request,
    policy: Policy,
    proceed: Callable[[], Awaitable[Response]],
) -> Response:
    """Apply the key (if any) around ``proceed``."""
    key = request.headers.get(HEADER)
    required = policy == "required" or getattr(request.app.state, "idempotency_required", False)
    if key is None:
        if required:
            raise BadRequest("This operation needs an Idempotency-Key header (a unique string).")
        return await proceed()
    if not KEY_PATTERN.fullmatch(key):
        raise BadRequest("Idempotency-Key must be 1 to 255 printable ASCII characters.")
    caller = await authenticate(request)
    model: type[IdempotencyKeyMixin] = request.app.state.idempotency_model
    database = request.app.state.database
    request_fingerprint = fingerprint(
        request.method, request.url.path, request.url.query, await request.body()
    )
    now = utcnow()

    async with database.session() as claim:
        result = await claim.execute(
            _insert(database.dialect, model)
            .values(
                client_id=caller.client_id,
                key=key,
                fingerprint=request_fingerprint,
                state="in_flight",
                claimed_at=now,
            )
            .returning(model.id)
        )
        row_id = result.scalar_one_or_none()
        if row_id is None:
            existing = (
                await claim.execute(
                    select(model).where(model.client_id == caller.client_id, model.key == key)
                )
            ).scalar_one()
            if existing.fingerprint != request_fingerprint:
                raise Unprocessable(
                    "This Idempotency-Key was used with a different request; use a new key."
                )
            if existing.state == "done":
                return _replay(existing)
            if now - existing.claimed_at < LEASE:
                raise Conflict(
                    "A request with this Idempotency-Key is still being processed.",
                    headers={"Retry-After": "1"},
                )
            taken = await claim.execute(
                update(model)
                .where(model.id == existing.id, model.claimed_at == existing.claimed_at)
                .values(claimed_at=now)
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict("A request with this Idempotency-Key is still being processed.")
            row_id = existing.id
        await claim.commit()

    request.scope[RECORD_KEY] = Record(model, row_id)
    try:
        response = await proceed()
    except BaseException:
        await _release(database, model, row_id)
        raise
    if response.status_code >= 400:
        await _release(database, model, row_id)
    return response


async def complete(session: AsyncSession, record: Record, response: Response) -> None:
    """Store the response in the request's own transaction (called just before commit)."""
    headers = {name: value for name, value in response.headers.items() if name in REPLAY_HEADERS}
    await session.execute(
        update(record.model)
        .where(record.model.id == record.row_id)
        .values(
            state="done",
            status_code=response.status_code,
            headers=headers,
            body=bytes(response.body),
            completed_at=utcnow(),
        )
    )


async def _release(database: Any, model: type[IdempotencyKeyMixin], row_id: int) -> None:
    try:
        async with database.session() as session:
            await session.execute(
                delete(model).where(model.id == row_id, model.state == "in_flight")
            )
            await session.commit()
    except Exception:  # the claim expires after LEASE; never mask the original outcome
        log.warning("could not release an idempotency key; it expires after %s", LEASE)


def _replay(row: IdempotencyKeyMixin) -> Response:
    headers = dict(row.headers or {})
    headers["Idempotent-Replayed"] = "true"
    return Response(content=row.body or b"", status_code=row.status_code or 200, headers=headers)


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
