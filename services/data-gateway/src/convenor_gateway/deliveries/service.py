"""Deliveries: the holder uploads the approved dataset, checked and encrypted as it streams in.

``PUT /v1/requests/{id}/delivery`` reads the body piece by piece: each piece goes through the
:class:`~convenor_gateway.evidence.delivery_checks.DeliveryChecker` (only the approved items;
no direct identifiers and no small counts in aggregate or depersonalised returns) and the
:class:`~convenor_gateway.evidence.envelope.Encryptor` (AES-256-GCM under a fresh data key),
and the ciphertext is written in chunks of ``GATEWAY_DELIVERY_CHUNK_BYTES`` as it accumulates.
Nothing holds the whole file, and the database never sees a plaintext byte.

A refused delivery rolls back (no chunk, no key survives) and the refusal, with the rules
broken, is appended to the audit log in a transaction of its own. An accepted one records the
wrapped data key, the payload's SHA-256 and size, and moves the request to ``delivered``: the
move's audit entry carries ``payload_hash``, and webhooks and the change feed hear of it as of
any move. PUT is idempotent: the same bytes again change nothing (200); different bytes after a
delivery are a 409.

Erasure (``POST /v1/requests/{id}/erasure``, by either party, with a reason) and the retention
job destroy the wrapped key and delete the chunks: crypto-shredding. The log keeps the hash.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.audit import service as audit_service
from convenor_gateway.audit.service import Actor
from convenor_gateway.data_requests import service as requests_service
from convenor_gateway.data_requests import transitions
from convenor_gateway.deliveries import repository
from convenor_gateway.deliveries.errors import (
    DeliveryConflict,
    DeliveryErased,
    DeliveryRefused,
    KeyUnavailable,
    NotAParty,
    NotDeliverable,
    NothingToErase,
    NotTheHolder,
    UnsupportedDeliveryType,
)
from convenor_gateway.deliveries.schemas import ErasureCreate
from convenor_gateway.evidence.delivery_checks import (
    ApprovedItem,
    CheckSettings,
    DeliveryChecker,
    DeliveryReport,
)
from convenor_gateway.evidence.envelope import Encryptor, EnvelopeError, new_data_key
from convenor_gateway.models import DataRequest, Delivery
from convenor_gateway.runtime import Runtime
from convenor_shared.auth import Caller
from convenor_shared.db import utcnow
from convenor_shared.transactions import rollback

MEDIA_TYPES: dict[str, Literal["csv", "json"]] = {"text/csv": "csv", "application/json": "json"}
CONTENT_TYPES = {"text/csv": "text/csv; charset=utf-8", "application/json": "application/json"}
ENVELOPE_CHUNK_BYTES = 64 * 1024  # each sealed separately; a download decrypts one at a time
DELIVERABLE = frozenset({"approved", "partially_approved"})


def context(request_id: uuid.UUID) -> bytes:
    """What a delivery's ciphertext and wrapped key are bound to: its request."""
    return f"convenor-delivery:{request_id}".encode()


def media_of(content_type: str | None) -> str:
    """The delivery's media type (``text/csv`` or ``application/json``), or 415."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media not in MEDIA_TYPES:
        raise UnsupportedDeliveryType(
            f"Send the dataset as text/csv or application/json, not {media or 'no type'}."
        )
    return media


def approved_items(request: DataRequest) -> list[ApprovedItem]:
    """The items a delivery may hold: all of them, or those a partial approval named."""
    names = set(request.approved_items or [])
    return [
        ApprovedItem(item["name"], item["category"])
        for item in request.data_items
        if request.status == "approved" or item["name"] in names
    ]


class _ChunkWriter:
    """Ciphertext to ``delivery_chunks`` rows of about ``size`` bytes, as it accumulates."""

    def __init__(self, session: AsyncSession, request_id: uuid.UUID, size: int) -> None:
        self._session, self._request_id, self._size = session, request_id, size
        self._buffer = bytearray()
        self.count = 0

    async def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= self._size:
            await self._row(bytes(self._buffer[: self._size]))
            del self._buffer[: self._size]

    async def flush(self) -> None:
        if self._buffer:
            await self._row(bytes(self._buffer))
            self._buffer.clear()

    async def _row(self, data: bytes) -> None:
        await repository.add_chunk(self._session, self._request_id, self.count, data)
        self.count += 1


async def deliver(
    session: AsyncSession,
    rt: Runtime,
    caller: Caller,
    request_id: uuid.UUID,
    content_type: str | None,
    body: AsyncIterator[bytes],
) -> tuple[Delivery, bool]:
    """Check, encrypt and store the holder's dataset; ``(delivery, created)``."""
    request = await requests_service.get(session, caller, request_id, for_change=True)
    if transitions.HOLDER not in transitions.roles(caller, request):
        raise NotTheHolder("Only the holder of the request delivers its data.")
    media = media_of(content_type)
    existing = await repository.get(session, request.id)
    if existing is not None:
        return await _again(existing, media, body), False
    if request.status not in DELIVERABLE:
        raise NotDeliverable(f"A {request.status} request cannot be delivered.")
    now = utcnow()
    checker = DeliveryChecker(
        MEDIA_TYPES[media],
        approved_items(request),
        request.identifiability,
        CheckSettings(suppression_threshold=rt.settings.suppression_threshold),
    )
    data_key = new_data_key()
    try:
        wrapped = rt.key_ring.wrap(data_key, context=context(request.id))
    except (EnvelopeError, NotImplementedError):
        raise KeyUnavailable("The key-encryption key cannot wrap a data key now.") from None
    delivery = Delivery(
        request_id=request.id,
        media_type=media,
        payload_sha256="",
        payload_size=0,
        rows=0,
        chunk_count=0,
        kek_id=wrapped.kek_id,
        wrapped_key=wrapped.to_text(),
        delivered_at=now,
        delivered_by=caller.client_id,
        retain_until=now + timedelta(days=request.retention_days),
    )
    session.add(delivery)
    await session.flush()  # the chunks refer to it
    encryptor = Encryptor(
        data_key, associated_data=context(request.id), chunk_size=ENVELOPE_CHUNK_BYTES
    )
    writer = _ChunkWriter(session, request.id, rt.settings.delivery_chunk_bytes)

    def take(piece: bytes) -> tuple[bool, bytes]:
        going = checker.feed(piece)
        # No point encrypting what will be refused.
        return going, b"" if checker.refused else encryptor.update(piece)

    received = 0
    async for piece in body:
        received += len(piece)
        # Checking is pure Python and slow next to everything else: off the event loop, so
        # other requests are served while a large dataset streams in.
        going, sealed = await asyncio.to_thread(take, piece)
        await writer.write(sealed)
        if not going:
            break
    report = checker.finish()
    if not report.accepted:
        await _refuse(session, rt, request, caller, media, report, received, now)
    await writer.write(encryptor.finalize())
    await writer.flush()
    digest = encryptor.plaintext_sha256.hex()
    delivery.payload_sha256 = digest
    delivery.payload_size = encryptor.plaintext_size
    delivery.rows = report.rows
    delivery.chunk_count = writer.count
    await requests_service.deliver(
        session,
        request,
        Actor.of(caller),
        now,
        audit_details={
            "payload_hash": digest,
            "payload_size": encryptor.plaintext_size,
            "media_type": media,
            "kek_id": wrapped.kek_id,
        },
    )
    return delivery, True


async def _again(existing: Delivery, media: str, body: AsyncIterator[bytes]) -> Delivery:
    """A PUT after the delivery: the same bytes are a no-op, others a conflict."""
    if existing.erased_at is not None:
        raise DeliveryErased("This request's delivery was erased; it cannot be delivered again.")
    digest, size = hashlib.sha256(), 0
    async for piece in body:
        digest.update(piece)
        size += len(piece)
    if (digest.hexdigest(), size, media) == (
        existing.payload_sha256,
        existing.payload_size,
        existing.media_type,
    ):
        return existing
    raise DeliveryConflict(
        "A different dataset was delivered for this request already "
        f"(SHA-256 {existing.payload_sha256})."
    )


async def _refuse(
    session: AsyncSession,
    rt: Runtime,
    request: DataRequest,
    caller: Caller,
    media: str,
    report: DeliveryReport,
    received: int,
    at: datetime,
) -> None:
    """Roll the delivery back, log the refusal on its own, and raise the problem."""
    problems = [problem.as_dict() for problem in report.problems]
    entry = audit_service.entry_for(
        event="delivery_refusal",
        request=request,
        actor=Actor.of(caller),
        at=at,
        recipients=[request.requester_organisation_id],
        details={
            "rules": sorted({p["rule"] for p in problems}),
            "problems": len(problems) + report.unlisted,
            "received_bytes": received,
            "media_type": media,
        },
    )
    await rollback(session)  # nothing of the delivery stays, and SQLite's writer is free
    await audit_service.append_apart(rt.database, [(entry, at)])
    count = len(problems) + report.unlisted
    raise DeliveryRefused(
        f"The delivery breaks {count} rule{'s' if count != 1 else ''} and was not stored.",
        extensions={"problems": problems, "unlisted": report.unlisted, "rows_read": report.rows},
    )


async def shred(
    session: AsyncSession,
    request: DataRequest,
    delivery: Delivery,
    actor: Actor,
    at: datetime,
    reason_code: str,
    reason: str | None = None,
) -> None:
    """Destroy the delivery's data key and ciphertext and log the erasure."""
    await repository.delete_chunks(session, request.id)
    delivery.wrapped_key = None
    delivery.erased_at = at
    delivery.erasure_reason_code = reason_code
    delivery.erased_by = actor.client_id
    audit_service.record(
        session,
        event="erasure",
        request=request,
        actor=actor,
        at=at,
        recipients=transitions.informed(request, actor),
        text=reason,
        details={"erased": "delivery", "reason_code": reason_code, "kek_id": delivery.kek_id},
    )


async def erase(
    session: AsyncSession, caller: Caller, request_id: uuid.UUID, body: ErasureCreate
) -> Delivery:
    """Erase a delivery on withdrawal of consent or an erasure decision (either party)."""
    request = await requests_service.get(session, caller, request_id, for_change=True)
    if not transitions.roles(caller, request):
        raise NotAParty("Only the requester or the holder may have a delivery erased.")
    delivery = await repository.get(session, request.id)
    if delivery is None:
        raise NothingToErase("Nothing has been delivered for this request.")
    if delivery.erased_at is None:
        await shred(
            session, request, delivery, Actor.of(caller), utcnow(), body.reason_code, body.reason
        )
    return delivery
