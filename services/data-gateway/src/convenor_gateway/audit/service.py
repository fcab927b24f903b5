"""The audit log: every request event and every consultation of a request, appended in the
same transaction as the change it records (DPA 2018 s62: collection, alteration, consultation,
disclosure, combination, erasure), and every refusal, in a transaction of its own.

Entries hold identifiers, codes and hashes, never personal data or free text: an entry that
records the request's content carries ``request_hash`` (the hash of :func:`records.request_record`
as the request stands at commit), a move carries ``transition_hash``, a delivery
``payload_hash``. They are queued while a transaction runs and appended by a before-commit hook
under the service write lock, so index order is commit order and each entry's chain hash follows
its predecessor's. Each is stored as its canonical bytes (see ``models.audit``).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.audit import chain, records, repository, rows
from convenor_gateway.audit.proofs import NoCheckpoint
from convenor_gateway.audit.schemas import (
    AuditEntryRead,
    AuditPage,
    ChainReport,
    CheckpointRead,
    VerifyRead,
)
from convenor_gateway.evidence.canonical import find_chain_break
from convenor_gateway.evidence.offline_verify import verify_rows
from convenor_gateway.evidence.signed_note import Checkpoint as SignedCheckpoint
from convenor_gateway.evidence.signed_note import NoteError, parse_checkpoint, verify_note
from convenor_gateway.keys import SigningKeys
from convenor_gateway.models import AuditEntry, Checkpoint, DataRequest
from convenor_gateway.permissions import organisation_of
from convenor_shared.auth import Caller
from convenor_shared.db import Database
from convenor_shared.transactions import before_commit, commit, serialize_writes

ENTRY_VERSION = 2
_PENDING = "gateway.audit"


@dataclass(frozen=True)
class Actor:
    client_id: str
    organisation_id: uuid.UUID | None

    @classmethod
    def of(cls, caller: Caller) -> Actor:
        return cls(caller.client_id, caller.organisation_id)


# The gateway acting on its own rules (a refusal on submission, an expiry, an erasure).
SYSTEM = Actor("convenor-gateway", None)


@dataclass
class _Pending:
    entry: dict[str, Any]
    at: datetime
    request: DataRequest | None  # set when the entry records the request's content


def entry_for(
    *,
    event: str,
    request: DataRequest,
    actor: Actor,
    at: datetime,
    recipients: list[uuid.UUID] | None = None,
    text: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The entry about ``request`` (identifiers and hashes only)."""
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
        "at": records.timestamp(at),
    }
    if text:
        entry["reason_sha256"] = chain.text_digest(request.audit_salt, text)
    entry.update(details or {})
    return entry


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
    records_request: bool = False,
) -> None:
    """Queue an entry about ``request``; it is appended when the transaction commits.

    ``records_request``: the event changed the request, so the entry carries the hash of the
    request as it stands when the transaction commits."""
    entry = entry_for(
        event=event,
        request=request,
        actor=actor,
        at=at,
        recipients=recipients,
        text=text,
        details=details,
    )
    pending: list[_Pending] = session.info.setdefault(_PENDING, [])
    pending.append(_Pending(entry, at, request if records_request else None))
    before_commit(session, "audit", _append)


async def append_apart(database: Database, entries: list[tuple[dict[str, Any], datetime]]) -> None:
    """Append ``entries`` in a transaction of their own: a refusal is logged even though the
    request that was refused rolls back. The caller's transaction must have ended (SQLite has
    one writer)."""
    async with database.session() as session:
        await will_append(session)
        pending: list[_Pending] = session.info.setdefault(_PENDING, [])
        pending.extend(_Pending(entry, at, None) for entry, at in entries)
        before_commit(session, "audit", _append)
        await commit(session)


# The head this process last appended, per database: usually still the head when it appends
# again, which saves reading it. Only a hint: the append checks it under the lock.
_HEADS: dict[str, tuple[int, str]] = {}


def _link(
    leaves: list[tuple[_Pending, bytes, bytes]], head: tuple[int, str] | None
) -> list[dict[str, Any]]:
    index, previous = (0, chain.GENESIS) if head is None else (head[0] + 1, bytes.fromhex(head[1]))
    linked = []
    for pending, canonical, leaf in leaves:
        link = chain.chain_step(previous, leaf)
        request_id = pending.entry.get("request_id")
        linked.append(
            {
                "index": index,
                "canonical": canonical,
                "leaf_hash": leaf.hex(),
                "chain_hash": link.hex(),
                "at": pending.at,
                "request_id": uuid.UUID(request_id) if request_id else None,
            }
        )
        index, previous = index + 1, link
    return linked


async def _append(session: AsyncSession) -> None:
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    if not pending:
        return
    leaves = []
    hashes: dict[int, str] = {}  # a request moved twice in one transaction is hashed once
    for item in pending:
        if item.request is not None:
            key = id(item.request)
            if key not in hashes:
                hashes[key] = records.request_hash(item.request)
            item.entry["request_hash"] = hashes[key]
        canonical = chain.canonical_bytes(item.entry)
        leaves.append((item, canonical, chain.leaf_hash(canonical)))
    # Everything else of the transaction goes to the database before the lock is taken, so
    # the lock is held only for the append, the change feed and the commit.
    await session.flush()
    await serialize_writes(session)
    engine = session.get_bind().engine
    database = str(engine.url)
    # SQLite has one writer and the head is a local read; the hint is for PostgreSQL.
    hint = _HEADS.get(database) if engine.dialect.name == "postgresql" else None
    if hint is not None:
        linked = _link(leaves, hint)
        if await repository.append_after(session, linked, *hint):
            _HEADS[database] = (linked[-1]["index"], linked[-1]["chain_hash"])
            return
    linked = _link(leaves, await repository.head(session))
    await session.execute(insert(AuditEntry), linked)
    _HEADS[database] = (linked[-1]["index"], linked[-1]["chain_hash"])


async def will_append(session: AsyncSession) -> None:
    """Take SQLite's write lock before a read that will be logged (a consultation), so the
    append at commit cannot fail for a writer that got in between."""
    if session.get_bind().dialect.name == "sqlite" and not session.in_transaction():
        await session.connection(execution_options={"sqlite_immediate": True})


def _check(stream: Iterator[rows.Row]) -> ChainReport:
    read = 0

    def counted() -> Iterator[rows.Row]:
        nonlocal read
        for row in stream:
            read += 1
            yield row

    found = find_chain_break(counted())
    if found is None:
        return ChainReport(ok=True, checked=read)
    return ChainReport(
        ok=False, checked=found.index, first_bad_index=found.index, reason=found.reason
    )


async def check_chain(database: Database) -> ChainReport:
    """Recompute every leaf and chain hash from the stored bytes; name the first bad entry."""
    return await rows.over_rows(database, _check)


def _read(row: AuditEntry) -> AuditEntryRead:
    return AuditEntryRead(
        index=row.index,
        leaf_hash=row.leaf_hash,
        chain_hash=row.chain_hash,
        entry=json.loads(row.canonical),
        at=row.at,
    )


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
        after=after, limit=limit, request_id=request_id, organisation_id=organisation_id
    )
    found = list((await session.execute(query)).scalars())
    has_more = len(found) > limit
    found = found[:limit]
    return AuditPage(
        items=[_read(row) for row in found],
        next_after=found[-1].index if found else after,
        has_more=has_more,
    )


async def leaves_of(session: AsyncSession, request_id: uuid.UUID) -> list[dict[str, Any]]:
    """Index, leaf hash and event of each entry about a request, for its decision record."""
    return [
        {"index": index, "leaf_hash": leaf, "event": json.loads(canonical)["event"]}
        for index, leaf, canonical in (
            await session.execute(repository.of_request(request_id))
        ).all()
    ]


async def entries_of(
    session: AsyncSession, request_id: uuid.UUID, below: int | None = None
) -> list[tuple[int, dict[str, Any], str]]:
    """``(index, entry, leaf_hash)`` of the request's entries (with an index below ``below``)."""
    query = repository.of_request(request_id)
    if below is not None:
        query = query.where(AuditEntry.index < below)
    return [
        (index, json.loads(canonical), leaf)
        for index, leaf, canonical in (await session.execute(query)).all()
    ]


async def latest_checkpoint(session: AsyncSession, tree_size: int | None = None) -> Checkpoint:
    """The latest checkpoint, or the one of ``tree_size``; :class:`NoCheckpoint` if none."""
    if tree_size is None:
        found = await repository.latest_checkpoint(session)
    else:
        found = await repository.checkpoint_of_size(session, tree_size)
    if found is None:
        what = "yet" if tree_size is None else f"of tree size {tree_size}"
        raise NoCheckpoint(f"No checkpoint has been signed {what}.")
    return found


def checkpoint_read(checkpoint: Checkpoint) -> CheckpointRead:
    parsed = parse_checkpoint(checkpoint.note)
    return CheckpointRead(
        origin=parsed.origin,
        tree_size=checkpoint.tree_size,
        root_hash=checkpoint.root_hash,
        timestamp=datetime.fromtimestamp(checkpoint.timestamp, UTC),
        note=checkpoint.note,
    )


# Verifying reads the whole log: one at a time per process is plenty.
_VERIFYING = asyncio.Lock()


async def verify_log(database: Database, keys: SigningKeys) -> VerifyRead:
    """Verify every stored entry, and the first ``tree_size`` against the latest checkpoint's
    signed root; name the first bad entry."""
    async with database.session() as session:
        latest = await repository.latest_checkpoint(session)
    checkpoint: SignedCheckpoint | None = None
    if latest is not None:
        try:
            checkpoint = verify_note(latest.note, keys.verifier_keys())
        except NoteError as exc:
            return VerifyRead(
                ok=False,
                checked=0,
                first_bad_index=None,
                reason=f"the latest checkpoint does not verify: {exc}",
                tree_size=latest.tree_size,
            )
    async with _VERIFYING:
        report = await rows.over_rows(database, lambda stream: verify_rows(stream, checkpoint))
    return VerifyRead(**report.as_dict())
