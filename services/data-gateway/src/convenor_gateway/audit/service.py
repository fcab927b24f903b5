"""The audit log: every request event and every consultation of a request, appended in the
same transaction as the change it records (DPA 2018 s62: collection, alteration, consultation,
disclosure, combination, erasure).

Entries hold identifiers, codes and salted hashes, never personal data or free text. They are
queued while a transaction runs and appended by a before-commit hook under the service write
lock, so index order is commit order and each entry's chain hash follows its predecessor's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import rfc8785
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.audit import chain, repository
from convenor_gateway.audit.schemas import AuditEntryRead, AuditPage, ChainReport
from convenor_gateway.models import AuditEntry, DataRequest
from convenor_gateway.permissions import organisation_of
from convenor_shared.auth import Caller
from convenor_shared.transactions import before_commit, serialize_writes

ENTRY_VERSION = 1
_PENDING = "gateway.audit"
CHECK_BATCH = 2000


@dataclass(frozen=True)
class Actor:
    client_id: str
    organisation_id: uuid.UUID | None

    @classmethod
    def of(cls, caller: Caller) -> Actor:
        return cls(caller.client_id, caller.organisation_id)


# The gateway acting on its own rules (a refusal on submission, an expiry).
SYSTEM = Actor("convenor-gateway", None)


def _timestamp(at: datetime) -> str:
    return at.isoformat(timespec="microseconds").replace("+00:00", "Z")


def record(
    session: AsyncSession,
    *,
    event: str,
    request: DataRequest,
    actor: Actor,
    at: datetime,
    recipients: list[uuid.UUID] | None = None,
    text: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Queue an entry about ``request``; it is appended when the transaction commits."""
    entry: dict[str, Any] = {
        "v": ENTRY_VERSION,
        "event": event,
        "request_id": str(request.id),
        "actor": {
            "client_id": actor.client_id,
            "organisation_id": str(actor.organisation_id) if actor.organisation_id else None,
        },
        "parties": [str(request.requester_organisation_id), str(request.holder_organisation_id)],
        "recipients": [str(r) for r in recipients or []],
        "purpose": request.purpose,
        "legal_gateways": list(request.legal_gateways),
        "justification_sha256": chain.text_digest(request.audit_salt, request.justification),
        "at": _timestamp(at),
    }
    if text:
        entry["reason_sha256"] = chain.text_digest(request.audit_salt, text)
    entry.update(details or {})
    pending: list[tuple[dict[str, Any], datetime]] = session.info.setdefault(_PENDING, [])
    pending.append((entry, at))
    before_commit(session, "audit", _append)


# The head this process last appended, per database: usually still the head when it appends
# again, which saves reading it. Only a hint: the append checks it under the lock.
_HEADS: dict[str, tuple[int, str]] = {}


def _link(
    leaves: list[tuple[dict[str, Any], datetime, bytes]], head: tuple[int, str] | None
) -> list[dict[str, Any]]:
    index, previous = (0, chain.GENESIS) if head is None else (head[0] + 1, bytes.fromhex(head[1]))
    rows = []
    for entry, at, leaf in leaves:
        link = chain.chain_hash(previous, leaf)
        rows.append(
            {
                "index": index,
                "entry": entry,
                "leaf_hash": leaf.hex(),
                "chain_hash": link.hex(),
                "at": at,
            }
        )
        index, previous = index + 1, link
    return rows


async def _append(session: AsyncSession) -> None:
    pending: list[tuple[dict[str, Any], datetime]] = session.info.pop(_PENDING, [])
    if not pending:
        return
    leaves = [(entry, at, chain.leaf_hash(entry)) for entry, at in pending]
    # Everything else of the transaction goes to the database before the lock is taken, so
    # the lock is held only for the append, the change feed and the commit.
    await session.flush()
    await serialize_writes(session)
    engine = session.get_bind().engine
    database = str(engine.url)
    # SQLite has one writer and the head is a local read; the hint is for PostgreSQL.
    hint = _HEADS.get(database) if engine.dialect.name == "postgresql" else None
    if hint is not None:
        rows = _link(leaves, hint)
        if await repository.append_after(session, rows, *hint):
            _HEADS[database] = (rows[-1]["index"], rows[-1]["chain_hash"])
            return
    rows = _link(leaves, await repository.head(session))
    await session.execute(insert(AuditEntry), rows)
    _HEADS[database] = (rows[-1]["index"], rows[-1]["chain_hash"])


async def will_append(session: AsyncSession) -> None:
    """Take SQLite's write lock before a read that will be logged (a consultation), so the
    append at commit cannot fail for a writer that got in between."""
    if session.get_bind().dialect.name == "sqlite" and not session.in_transaction():
        await session.connection(execution_options={"sqlite_immediate": True})


def _bad(index: int, checked: int, reason: str) -> ChainReport:
    return ChainReport(ok=False, checked=checked, first_bad_index=index, reason=reason)


async def check_chain(session: AsyncSession, batch: int = CHECK_BATCH) -> ChainReport:
    """Recompute every leaf and chain hash; name the first entry that does not verify."""
    previous, expected, checked = chain.GENESIS, 0, 0
    while True:
        rows = await repository.batch(session, expected - 1, batch)
        for row in rows:
            if row.index != expected:
                return _bad(expected, checked, f"entry {expected} is missing")
            try:
                leaf = chain.leaf_hash(row.entry)
            except (rfc8785.CanonicalizationError, TypeError, ValueError):
                return _bad(row.index, checked, "the entry is not canonical JSON")
            if leaf.hex() != row.leaf_hash:
                return _bad(row.index, checked, "the leaf hash does not match the entry")
            link = chain.chain_hash(previous, leaf)
            if link.hex() != row.chain_hash:
                return _bad(row.index, checked, "the chain hash does not follow its predecessor")
            previous, expected, checked = link, expected + 1, checked + 1
        if len(rows) < batch:
            return ChainReport(ok=True, checked=checked)


async def list_entries(
    session: AsyncSession,
    caller: Caller,
    *,
    after: int | None,
    limit: int,
    request_id: uuid.UUID | None,
) -> AuditPage:
    """Entries in index order; an organisation sees those of its own requests only."""
    organisation_id = None if caller.is_admin else organisation_of(caller)
    query = repository.entries(
        dialect=session.get_bind().dialect.name,
        after=after,
        limit=limit,
        request_id=request_id,
        organisation_id=organisation_id,
    )
    rows = list((await session.execute(query)).scalars())
    has_more = len(rows) > limit
    rows = rows[:limit]
    return AuditPage(
        items=[AuditEntryRead.model_validate(row) for row in rows],
        next_after=rows[-1].index if rows else after,
        has_more=has_more,
    )


async def leaves_of(session: AsyncSession, request_id: uuid.UUID) -> list[dict[str, Any]]:
    """Index, leaf hash and event of each entry about a request, for its decision record."""
    query = repository.of_request(session.get_bind().dialect.name, request_id)
    return [
        {"index": row[0], "leaf_hash": row[1], "event": row[2]}
        for row in (await session.execute(query)).all()
    ]
