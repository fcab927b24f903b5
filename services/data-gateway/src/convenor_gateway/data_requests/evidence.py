"""The evidence bundle of a request: what was asked, every move, what was delivered, and proof
that the signed audit log holds each of these, verifiable offline with
``convenor-gateway evidence verify`` (or :func:`~convenor_gateway.evidence.evidence_bundle.
verify_bundle`) and nothing else.

The bundle is built against the latest checkpoint. Every entry that carries a fact the bundle
states (``request_hash``, ``transition_hash``, ``payload_hash``) must be covered by it, or the
bundle could not be checked: until the next checkpoint (a few seconds, made in the background,
never on this path) the answer is 409 with ``Retry-After``. Later entries that only record
reads (consultations, including the one this request makes) are left out.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.audit import records
from convenor_gateway.audit import service as audit_service
from convenor_gateway.audit.proofs import InclusionProofs, NoCheckpoint
from convenor_gateway.data_requests import service as requests_service
from convenor_gateway.evidence.evidence_bundle import build_bundle, bundle_bytes
from convenor_gateway.models import Checkpoint, Delivery
from convenor_gateway.runtime import Runtime
from convenor_shared.auth import Caller
from convenor_shared.problems import Conflict

FACTS = ("request_hash", "transition_hash", "payload_hash")


class EvidenceNotCheckpointed(Conflict):
    """The request's latest events are not yet covered by a signed checkpoint, so no bundle
    could prove them. Checkpoints are made in the background every few seconds: retry after
    ``Retry-After`` seconds. ``checkpoint_tree_size`` is the latest checkpoint's size and
    ``needed_tree_size`` the size that will do."""

    slug, title = "evidence-not-checkpointed", "Evidence not checkpointed yet"


async def bundle(
    session: AsyncSession, rt: Runtime, caller: Caller, request_id: uuid.UUID
) -> bytes:
    """The request's evidence bundle, as the canonical bytes to serve."""
    request = await requests_service.consult(session, caller, request_id, "evidence")
    entries = await audit_service.entries_of(session, request.id)
    latest = await _latest(session)
    facts = [index for index, entry, _ in entries if any(key in entry for key in FACTS)]
    needed = max(facts, default=-1) + 1
    if latest is None or latest.tree_size < needed:
        retry = max(1, math.ceil(rt.settings.checkpoint_interval_seconds or 10))
        raise EvidenceNotCheckpointed(
            "The request's latest events are not yet in a signed checkpoint; retry shortly.",
            extensions={
                "checkpoint_tree_size": latest.tree_size if latest else None,
                "needed_tree_size": needed,
            },
            headers={"Retry-After": str(retry)},
        )
    covered = [(i, e, h) for i, e, h in entries if i < latest.tree_size]
    history = await requests_service.history(session, request)
    delivery = await session.get(Delivery, request.id)
    proofs = await InclusionProofs.fetch(session, [i for i, _, _ in covered], latest.tree_size)
    built = build_bundle(
        records.request_record(request),
        _in_log_order(history, covered, request.audit_salt),
        delivery.payload_sha256 if delivery is not None else None,
        covered,
        proofs,
        latest.note,
        [latest.verifier_key],
    )
    return bundle_bytes(built)


async def _latest(session: AsyncSession) -> Checkpoint | None:
    try:
        return await audit_service.latest_checkpoint(session)
    except NoCheckpoint:
        return None


def _in_log_order(
    history: list[Any], entries: list[tuple[int, dict[str, Any], str]], salt: str
) -> list[dict[str, Any]]:
    """The transitions' records in the order the log recorded them."""
    by_hash = {}
    for transition in history:
        record = records.transition_record(transition, salt)
        by_hash[records.transition_hash(transition, salt)] = record
    ordered = [
        by_hash.pop(e["transition_hash"])
        for _, e, _ in entries
        if e.get("transition_hash") in by_hash
    ]
    return ordered + list(by_hash.values())  # anything the log lacks will fail verification
