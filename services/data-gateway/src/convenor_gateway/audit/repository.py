from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, func, literal_column, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.models import AuditEntry, DataRequest


async def head(session: AsyncSession) -> tuple[int, str] | None:
    """The last entry's index and chain hash."""
    row = (
        await session.execute(
            select(AuditEntry.index, AuditEntry.chain_hash)
            .order_by(AuditEntry.index.desc())
            .limit(1)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def batch(session: AsyncSession, after: int, limit: int) -> list[AuditEntry]:
    rows = await session.execute(
        select(AuditEntry).where(AuditEntry.index > after).order_by(AuditEntry.index).limit(limit)
    )
    return list(rows.scalars())


def request_id_of(dialect: str) -> ColumnElement[Any]:
    """``entry.request_id`` as text, written the way the expression index is."""
    if dialect == "postgresql":
        return literal_column("(audit_log.entry ->> 'request_id')")
    return func.json_extract(AuditEntry.entry, literal_column("'$.request_id'"))


def _request_ids_of(organisation_id: uuid.UUID, dialect: str) -> Select[Any]:
    ids: ColumnElement[Any] = cast(DataRequest.id, String)
    if dialect != "postgresql":
        # SQLite keeps UUIDs as 32 hex digits; the entries keep the hyphenated form.
        ids = (
            func.substr(ids, 1, 8)
            + "-"
            + func.substr(ids, 9, 4)
            + "-"
            + func.substr(ids, 13, 4)
            + "-"
            + func.substr(ids, 17, 4)
            + "-"
            + func.substr(ids, 21, 12)
        )
    return select(ids).where(
        or_(
            DataRequest.requester_organisation_id == organisation_id,
            DataRequest.holder_organisation_id == organisation_id,
        )
    )


def entries(
    *,
    dialect: str,
    after: int | None,
    limit: int,
    request_id: uuid.UUID | None,
    organisation_id: uuid.UUID | None,
) -> Select[AuditEntry]:
    query = select(AuditEntry)
    if after is not None:
        query = query.where(AuditEntry.index > after)
    if request_id is not None:
        query = query.where(request_id_of(dialect) == str(request_id))
    if organisation_id is not None:
        query = query.where(request_id_of(dialect).in_(_request_ids_of(organisation_id, dialect)))
    return query.order_by(AuditEntry.index).limit(limit + 1)


def of_request(dialect: str, request_id: uuid.UUID) -> Select[int, str, str]:
    return (
        select(AuditEntry.index, AuditEntry.leaf_hash, AuditEntry.entry["event"].as_string())
        .where(request_id_of(dialect) == str(request_id))
        .order_by(AuditEntry.index)
    )


# PostgreSQL only (the head hint is not used on SQLite). Plain SQL, so it is compiled once.
_APPEND_AFTER = text(
    """
    INSERT INTO audit_log (index, entry, leaf_hash, chain_hash, at)
    SELECT n.index, n.entry, n.leaf_hash, n.chain_hash, n.at
    FROM unnest(
        CAST(:indexes AS bigint[]),
        CAST(CAST(:entries AS text[]) AS jsonb[]),
        CAST(:leaves AS varchar[]),
        CAST(:chains AS varchar[]),
        CAST(:ats AS timestamptz[])
    ) AS n(index, entry, leaf_hash, chain_hash, at)
    WHERE EXISTS (SELECT 1 FROM audit_log WHERE index = :head_index AND chain_hash = :head_chain)
      AND NOT EXISTS (SELECT 1 FROM audit_log WHERE index > :head_index)
    """
)


async def append_after(
    session: AsyncSession, rows: list[dict[str, Any]], head_index: int, head_chain: str
) -> bool:
    """Insert ``rows`` only if the log's head is still (``head_index``, ``head_chain``): one
    statement where reading the head and inserting after it would take two. True if done."""
    result = await session.execute(
        _APPEND_AFTER,
        {
            "indexes": [row["index"] for row in rows],
            "entries": [json.dumps(row["entry"]) for row in rows],
            "leaves": [row["leaf_hash"] for row in rows],
            "chains": [row["chain_hash"] for row in rows],
            "ats": [row["at"] for row in rows],
            "head_index": head_index,
            "head_chain": head_chain,
        },
    )
    return getattr(result, "rowcount", 0) == len(rows)
