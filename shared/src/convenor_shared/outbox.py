"""The change feed: ``GET /v1/changes``, written in the same transaction as each change.

Services record a change with :meth:`ChangeFeed.record`; the rows are inserted by a
before-commit hook under the service's write lock, so their sequence numbers follow commit
order and a consumer that resumes from its last cursor never misses or repeats an event.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import BigInteger, Integer, String, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from convenor_shared.auth import require
from convenor_shared.db import JSONType, UTCDateTime, utcnow
from convenor_shared.problems import PROBLEM_RESPONSES, BadRequest
from convenor_shared.routing import SessionDep, TransactionalRoute
from convenor_shared.transactions import before_commit, serialize_writes

_PENDING = "convenor.changes"


class ChangeMixin:
    """Columns of a service's ``changes`` table (its outbox)."""

    __tablename__ = "changes"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)


class ChangeItem(BaseModel):
    cursor: str
    entity: str
    id: str
    op: Literal["upsert", "delete"]
    at: datetime
    data: dict[str, Any] | None


class ChangePage(BaseModel):
    items: list[ChangeItem]
    next_cursor: str | None = Field(
        description="Resume from here: the last item's cursor, or the one you sent if none."
    )
    has_more: bool


class ChangeFeed:
    """The outbox of one service, bound to its ``changes`` model."""

    def __init__(self, model: type[ChangeMixin]) -> None:
        self.model = model

    def record(
        self,
        session: AsyncSession,
        entity: str,
        entity_id: uuid.UUID | str,
        op: Literal["upsert", "delete"],
        data: dict[str, Any] | None,
    ) -> None:
        """Queue a change to be written when ``session`` commits."""
        pending: list[dict[str, Any]] = session.info.setdefault(_PENDING, [])
        pending.append({"entity": entity, "entity_id": str(entity_id), "op": op, "data": data})
        before_commit(session, "changes", self._flush)

    async def _flush(self, session: AsyncSession) -> None:
        pending: list[dict[str, Any]] = session.info.pop(_PENDING, [])
        if not pending:
            return
        await serialize_writes(session)
        now = utcnow()
        table = self.model.__table__  # type: ignore[attr-defined]  # Core: no ORM bulk path
        await session.execute(insert(table), [{**row, "at": now} for row in pending])

    async def read(self, session: AsyncSession, after: int, limit: int) -> ChangePage:
        model = self.model
        rows = (
            (
                await session.execute(
                    select(model).where(model.seq > after).order_by(model.seq).limit(limit + 1)
                )
            )
            .scalars()
            .all()
        )
        has_more = len(rows) > limit
        rows = rows[:limit]
        items = [
            ChangeItem(
                cursor=str(row.seq),
                entity=row.entity,
                id=row.entity_id,
                op=row.op,  # type: ignore[arg-type]
                at=row.at,
                data=row.data,
            )
            for row in rows
        ]
        next_cursor = items[-1].cursor if items else (str(after) if after else None)
        return ChangePage(items=items, next_cursor=next_cursor, has_more=has_more)

    def router(self, scope: str) -> APIRouter:
        """``GET /v1/changes``, readable with ``scope``."""
        router = APIRouter(
            tags=["changes"], responses=PROBLEM_RESPONSES, route_class=TransactionalRoute
        )
        feed = self

        @router.get("/v1/changes", operation_id="changes_list", dependencies=[require(scope)])
        async def list_changes(
            session: SessionDep,
            after: Annotated[
                str | None,
                Query(pattern=r"^\d{0,18}$", description="A cursor from this feed"),
            ] = None,
            limit: Annotated[int, Query(ge=1, le=1000)] = 500,
        ) -> ChangePage:
            """Changes in commit order after the cursor ``after``."""
            try:
                position = int(after) if after else 0
            except ValueError as exc:  # pattern makes this unreachable; keep the guard honest
                raise BadRequest("after must be a cursor from this feed.") from exc
            return await feed.read(session, position, limit)

        return router
