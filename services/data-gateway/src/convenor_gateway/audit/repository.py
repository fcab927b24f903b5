from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Insert,
    Select,
    String,
    and_,
    cast,
    column,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    values,
)
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.models import AuditEntry, DataRequest
from convenor_shared.db import JSONType, UTCDateTime


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


COLUMNS = ("index", "entry", "leaf_hash", "chain_hash", "at")


def append_after(rows: list[dict[str, Any]], head_index: int, head_chain: str) -> Insert:
    """Insert ``rows`` only if the log's head is still (``head_index``, ``head_chain``): one
    statement where reading the head and inserting after it would take two."""
    new = values(
        column("index", BigInteger()),
        column("entry", JSONType),
        column("leaf_hash", String()),
        column("chain_hash", String()),
        column("at", UTCDateTime()),
        name="new_entries",
    ).data([tuple(row[name] for name in COLUMNS) for row in rows])
    still_head = and_(
        exists().where(AuditEntry.index == head_index, AuditEntry.chain_hash == head_chain),
        ~exists().where(AuditEntry.index > head_index),
    )
    return insert(AuditEntry).from_select(list(COLUMNS), select(new).where(still_head))
