"""Downloads: purpose-bound, logged, streamed.

``GET /v1/requests/{id}/delivery`` gives the decrypted dataset only to the requester's
organisation, only with a ``Data-Purpose`` header naming the request's purpose, and only until
the delivery is erased or its retention ends. Each download is a consultation in the audit log
(committed before the first byte is sent); each refused attempt is logged as a
``download_refusal`` with who tried, when, and the reason code (``not_a_party``,
``not_the_recipient``, ``not_delivered``, ``erased``, ``retention_ended``, ``purpose_missing``,
``purpose_mismatch``), in a transaction of its own since the request's own rolls back.

The bytes are decrypted as they are sent, one stored chunk at a time, each read in a short
session of its own: the request's session is closed by then, and a slow client holds no
connection. The envelope authenticates every chunk and the end of the payload, and the
plaintext SHA-256 is compared with the recorded one before the last bytes go out, so a
tampered or truncated payload ends the response early instead of completing it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.audit import chain
from convenor_gateway.audit import service as audit_service
from convenor_gateway.audit.service import Actor
from convenor_gateway.data_requests import service as requests_service
from convenor_gateway.data_requests import transitions
from convenor_gateway.deliveries import repository
from convenor_gateway.deliveries.errors import (
    DeliveryErased,
    DeliveryNotFound,
    KeyUnavailable,
    NotTheRecipient,
    PurposeMismatch,
    PurposeRequired,
)
from convenor_gateway.deliveries.service import CONTENT_TYPES, context
from convenor_gateway.evidence.envelope import Decryptor, EnvelopeError, TamperedError
from convenor_gateway.evidence.key_ring import WrappedKey
from convenor_gateway.models import DataRequest, Delivery
from convenor_gateway.runtime import Runtime
from convenor_gateway.vocabularies import PURPOSES
from convenor_shared.auth import Caller
from convenor_shared.db import Database, utcnow
from convenor_shared.problems import Problem
from convenor_shared.transactions import rollback

log = logging.getLogger("convenor.gateway.deliveries")


@dataclass(frozen=True)
class Download:
    request_id: uuid.UUID
    content_type: str
    size: int
    sha256: str
    chunk_count: int
    data_key: bytes


def _stated(request: DataRequest, purpose: str | None) -> dict[str, str]:
    # What the caller said, for the log: a purpose code as it is, anything else as a hash.
    if purpose is None:
        return {}
    if purpose in PURPOSES:
        return {"stated_purpose": purpose}
    return {"stated_purpose_sha256": chain.text_digest(request.audit_salt, purpose)}


def _refusal(
    request: DataRequest,
    delivery: Delivery | None,
    caller: Caller,
    purpose: str | None,
    now: datetime,
) -> tuple[str, Problem] | None:
    if not requests_service.is_visible(request, caller.organisation_id):
        return "not_a_party", requests_service.RequestNotFound(f"No data request {request.id}.")
    # The requester's move, like raising or withdrawing: its organisation and gateway:request.
    if transitions.REQUESTER not in transitions.roles(caller, request):
        return "not_the_recipient", NotTheRecipient(
            "Only the requester's organisation downloads the data it asked for, with a client "
            "holding gateway:request."
        )
    if delivery is None:
        return "not_delivered", DeliveryNotFound("Nothing has been delivered for this request.")
    if delivery.erased_at is not None:
        return "erased", DeliveryErased(
            f"The delivery was erased on {delivery.erased_at.date().isoformat()} "
            f"({delivery.erasure_reason_code})."
        )
    if now >= delivery.retain_until or request.status == "expired":
        return "retention_ended", DeliveryErased(
            f"The delivery's retention ended on {delivery.retain_until.date().isoformat()}."
        )
    if not purpose:
        return "purpose_missing", PurposeRequired(
            f"State the purpose in the Data-Purpose header: {request.purpose}."
        )
    if purpose != request.purpose:
        return "purpose_mismatch", PurposeMismatch(
            f"This data was shared for {request.purpose}, not for the purpose stated."
        )
    return None


async def open_download(
    session: AsyncSession,
    rt: Runtime,
    caller: Caller,
    request_id: uuid.UUID,
    purpose: str | None,
) -> Download:
    """Check the caller may download now, log the consultation, and unwrap the data key."""
    await audit_service.will_append(session)
    request = await session.get(DataRequest, request_id)
    if request is None:
        raise requests_service.RequestNotFound(f"No data request {request_id}.")
    delivery = await repository.get(session, request.id)
    now = utcnow()
    purpose = purpose.strip() if purpose is not None else None
    refused = _refusal(request, delivery, caller, purpose, now)
    if refused is not None:
        code, problem = refused
        entry = audit_service.entry_for(
            event="download_refusal",
            request=request,
            actor=Actor.of(caller),
            at=now,
            details={"reason_code": code, **_stated(request, purpose)},
        )
        await rollback(session)
        await audit_service.append_apart(rt.database, [(entry, now)])
        raise problem
    assert delivery is not None and delivery.wrapped_key is not None
    try:
        data_key = rt.key_ring.unwrap(
            WrappedKey.from_text(delivery.wrapped_key), context=context(request.id)
        )
    except (EnvelopeError, NotImplementedError) as exc:
        log.error("cannot unwrap a delivery's data key: %s", exc)
        raise KeyUnavailable(
            "The delivery's key cannot be unwrapped now; nothing was disclosed."
        ) from None
    audit_service.record(
        session,
        event="consultation",
        request=request,
        actor=Actor.of(caller),
        at=now,
        recipients=[request.requester_organisation_id],
        details={"view": "delivery", **_stated(request, purpose)},
    )
    return Download(
        request_id=request.id,
        content_type=CONTENT_TYPES[delivery.media_type],
        size=delivery.payload_size,
        sha256=delivery.payload_sha256,
        chunk_count=delivery.chunk_count,
        data_key=data_key,
    )


async def plaintext(database: Database, download: Download) -> AsyncIterator[bytes]:
    """The delivered bytes, decrypted chunk by chunk; raises (ending the response early) if
    anything was altered, cut short or erased meanwhile."""
    decryptor = Decryptor(download.data_key, associated_data=context(download.request_id))
    for seq in range(download.chunk_count):
        async with database.read_session() as session:
            data = await repository.chunk(session, download.request_id, seq)
        if data is None:
            raise TamperedError(f"chunk {seq} of the delivery is missing (erased meanwhile?)")
        if out := decryptor.update(data):
            yield out
    tail = decryptor.finalize()
    if decryptor.plaintext_sha256.hex() != download.sha256:
        log.error("a delivery decrypted to bytes that are not the ones recorded")
        raise TamperedError("the payload does not match its recorded SHA-256")
    if tail:
        yield tail
