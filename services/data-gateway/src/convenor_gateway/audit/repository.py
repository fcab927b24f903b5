from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, func, insert, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.data_requests.repository import visible_to
from convenor_gateway.models import AuditEntry, Checkpoint, DataRequest, MerkleNode


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


def _request_ids_of(organisation_id: uuid.UUID) -> Select[Any]:
    """The requests whose entries an organisation sees: those it sees (a holder sees nothing of
    a request until it is submitted)."""
    return select(DataRequest.id).where(visible_to(organisation_id, None))


def entries(
    *,
    after: int | None,
    limit: int,
    request_id: uuid.UUID | None,
    organisation_id: uuid.UUID | None,
) -> Select[AuditEntry]:
    query = select(AuditEntry)
    if after is not None:
        query = query.where(AuditEntry.index > after)
    if request_id is not None:
        query = query.where(AuditEntry.request_id == request_id)
    if organisation_id is not None:
        query = query.where(AuditEntry.request_id.in_(_request_ids_of(organisation_id)))
    return query.order_by(AuditEntry.index).limit(limit + 1)


def of_request(request_id: uuid.UUID) -> Select[int, str, bytes]:
    return (
        select(AuditEntry.index, AuditEntry.leaf_hash, AuditEntry.canonical)
        .where(AuditEntry.request_id == request_id)
        .order_by(AuditEntry.index)
    )


# PostgreSQL only (the head hint is not used on SQLite). Plain SQL, so it is compiled once.
# Indexes are dense, so "nothing after the head" is "nothing at the head's index + 1": an
# index lookup in any plan. (``index > :head_index`` became a scan of the whole log once
# PostgreSQL switched the prepared statement to its generic plan, on every submission.)
_APPEND_AFTER = text(
    """
    INSERT INTO audit_log (index, canonical, leaf_hash, chain_hash, at, request_id)
    SELECT n.index, n.canonical, n.leaf_hash, n.chain_hash, n.at, n.request_id
    FROM unnest(
        CAST(:indexes AS bigint[]),
        CAST(:canonicals AS bytea[]),
        CAST(:leaves AS varchar[]),
        CAST(:chains AS varchar[]),
        CAST(:ats AS timestamptz[]),
        CAST(:request_ids AS uuid[])
    ) AS n(index, canonical, leaf_hash, chain_hash, at, request_id)
    WHERE EXISTS (SELECT 1 FROM audit_log WHERE index = :head_index AND chain_hash = :head_chain)
      AND NOT EXISTS (SELECT 1 FROM audit_log WHERE index = CAST(:next_index AS bigint))
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
            "canonicals": [row["canonical"] for row in rows],
            "leaves": [row["leaf_hash"] for row in rows],
            "chains": [row["chain_hash"] for row in rows],
            "ats": [row["at"] for row in rows],
            "request_ids": [row["request_id"] for row in rows],
            "head_index": head_index,
            "head_chain": head_chain,
            "next_index": head_index + 1,
        },
    )
    return getattr(result, "rowcount", 0) == len(rows)


# Checkpoints and the stored tree ------------------------------------------------------------

CHECKPOINT_LOCK_KEY = 7_243_002  # one checkpointer at a time among replicas


async def try_checkpoint_lock(session: AsyncSession) -> bool:
    """Whether this transaction may make a checkpoint (PostgreSQL: nobody else is)."""
    if session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: the transaction began IMMEDIATE, so it is the only writer
    result = await session.execute(
        text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": CHECKPOINT_LOCK_KEY}
    )
    return bool(result.scalar())


async def latest_checkpoint(session: AsyncSession) -> Checkpoint | None:
    query = select(Checkpoint).order_by(Checkpoint.tree_size.desc()).limit(1)
    return (await session.execute(query)).scalar_one_or_none()


async def checkpoint_of_size(session: AsyncSession, tree_size: int) -> Checkpoint | None:
    return await session.get(Checkpoint, tree_size)


async def log_size(session: AsyncSession) -> int:
    """One more than the last entry's index: the size of the log as committed."""
    last = await session.scalar(select(func.max(AuditEntry.index)))
    return 0 if last is None else int(last) + 1


async def rows_after(
    session: AsyncSession, after: int, stop: int, limit: int
) -> list[tuple[int, bytes, str, str]]:
    query = (
        select(AuditEntry.index, AuditEntry.canonical, AuditEntry.leaf_hash, AuditEntry.chain_hash)
        .where(AuditEntry.index > after, AuditEntry.index < stop)
        .order_by(AuditEntry.index)
        .limit(limit)
    )
    return [tuple(row) for row in (await session.execute(query)).all()]  # type: ignore[misc]


async def add_nodes(session: AsyncSession, nodes: list[tuple[int, int, bytes]]) -> None:
    if nodes:
        await session.execute(
            insert(MerkleNode), [{"level": lv, "idx": ix, "hash": h} for lv, ix, h in nodes]
        )


async def nodes(session: AsyncSession, keys: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Stored subtree hashes by ``(level, index)``; level 0 is the log's own leaf hashes."""
    found: dict[tuple[int, int], bytes] = {}
    leaves = sorted(index for level, index in keys if level == 0)
    inner = sorted(key for key in keys if key[0] > 0)
    if leaves:
        leaf_query = select(AuditEntry.index, AuditEntry.leaf_hash).where(
            AuditEntry.index.in_(leaves)
        )
        for index, leaf in (await session.execute(leaf_query)).all():
            found[(0, index)] = bytes.fromhex(leaf)
    if inner:
        node_query = select(MerkleNode.level, MerkleNode.idx, MerkleNode.hash).where(
            tuple_(MerkleNode.level, MerkleNode.idx).in_(inner)
        )
        for level, index, value in (await session.execute(node_query)).all():
            found[(level, index)] = bytes(value)
    return found
