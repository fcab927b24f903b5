"""Writing many records at once, with their history and change-feed entries.

The synthetic landscape has hundreds of thousands of records; writing them one by one through
``records.add`` (a flush and a history row each) would take an hour. This writer inserts rows in
batches, and writes for each record what ``records.add`` would have written: a ``history`` row
(op ``create``, every field as ``[None, value]``) and a change-feed row whose ``data`` is the
record as its ``GET`` returns it (the domain's own read schema), under the service's write lock
so the feed stays in commit order. Analytics therefore syncs a synthetic landscape exactly as
it syncs one built through the API.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from pydantic import BaseModel
from pydantic_core import to_jsonable_python
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.models import Attendance, Base, Change, HistoryEntry
from convenor_shared.db import new_id
from convenor_shared.transactions import serialize_writes

BATCH = 2_000
RECORD_FIELDS = ("id", "version", "created_at", "updated_at", "created_by", "updated_by")


class BulkWriter:
    def __init__(self, session: AsyncSession, *, actor: str, now: datetime) -> None:
        self.session = session
        self.actor = actor
        self.now = now
        self.rows: dict[type[Base], list[dict[str, Any]]] = defaultdict(list)
        self.links: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        self.history: list[dict[str, Any]] = []
        self.feed: list[dict[str, Any]] = []
        self.written = 0

    def add(
        self,
        entity: str,
        model: type[Base],
        values: dict[str, Any],
        read: type[BaseModel] | Callable[[dict[str, Any]], dict[str, Any]],
        *,
        managed_by: uuid.UUID | None,
        extra: dict[str, Any] | None = None,
    ) -> uuid.UUID:
        """One record: its row, its history entry and its place on the change feed."""
        record_id = values.get("id") or new_id()
        row = {
            **values,
            "id": record_id,
            "version": 1,
            "created_at": self.now,
            "updated_at": self.now,
            "created_by": self.actor,
            "updated_by": self.actor,
            "deleted_at": None,
            "managed_by_id": managed_by,
        }
        self.rows[model].append(row)
        self.history.append(
            {
                "id": new_id(),
                "entity": entity,
                "entity_id": record_id,
                "version": 1,
                "op": "create",
                "at": self.now,
                "actor": self.actor,
                "actor_organisation_id": managed_by,
                "changes": {
                    k: [None, to_jsonable_python(v)] for k, v in values.items() if k != "id"
                },
            }
        )
        shown = row | (extra or {})
        if isinstance(read, type) and issubclass(read, BaseModel):
            data = read.model_validate(shown).model_dump(mode="json")
        else:
            data = cast(Callable[[dict[str, Any]], dict[str, Any]], read)(shown)
        self.feed.append(
            {
                "entity": entity,
                "entity_id": str(record_id),
                "op": "upsert",
                "at": self.now,
                "data": data,
            }
        )
        return record_id

    def link(self, table: Any, row: dict[str, Any]) -> None:
        """A row of an association table (footprints, organisation areas)."""
        self.links[table].append(row)

    def register(self, meeting_id: uuid.UUID, records: list[dict[str, Any]]) -> None:
        """A meeting's attendance: its rows, and one feed entry for the whole register."""
        for record in records:
            self.links[Attendance].append({"id": new_id(), "meeting_id": meeting_id, **record})
        self.feed.append(
            {
                "entity": "attendance",
                "entity_id": str(meeting_id),
                "op": "upsert",
                "at": self.now,
                "data": {
                    "meeting_id": str(meeting_id),
                    "records": [
                        {
                            "person_id": str(r["person_id"]),
                            "status": r["status"],
                            "deputy_for_id": _text(r.get("deputy_for_id")),
                            "on_behalf_of_id": _text(r.get("on_behalf_of_id")),
                        }
                        for r in records
                    ],
                },
            }
        )

    async def _insert(self, table: Any, rows: list[dict[str, Any]]) -> None:
        # A Core insert of the table: the ORM's bulk path costs several times more.
        for start in range(0, len(rows), BATCH):
            await self.session.execute(insert(table), rows[start : start + BATCH])
        self.written += len(rows)

    async def flush(self) -> None:
        """Insert everything gathered so far, tables in foreign-key order (parents first),
        then the history and feed rows under the write lock. The caller commits."""
        await serialize_writes(self.session)
        gathered = {
            model.__table__: rows for model, rows in (*self.rows.items(), *self.links.items())
        }
        for table in Base.metadata.sorted_tables:
            if table in gathered:
                await self._insert(table, gathered[table])
        await self._insert(HistoryEntry.__table__, self.history)
        await self._insert(Change.__table__, self.feed)
        self.rows.clear()
        self.links.clear()
        self.history, self.feed = [], []


def _text(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None
