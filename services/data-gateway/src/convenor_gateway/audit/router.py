"""The audit log over HTTP: its entries, its signed checkpoints and keys, proofs, verification.

Who may read what: checkpoints and verifier keys are public (a tree size, a root hash and a
signature reveal nothing, and anyone must be able to check what they are shown); proofs and
verification need the ``gateway:audit`` scope but no organisation (they hold only hashes);
entries need ``gateway:audit`` and show an organisation only the entries of its own requests.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Path, Query, Request, Response
from fastapi.responses import PlainTextResponse

from convenor_gateway.audit import proofs
from convenor_gateway.audit import service as audit_service
from convenor_gateway.audit.schemas import (
    AuditPage,
    CheckpointRead,
    ConsistencyProofRead,
    InclusionProofRead,
    VerifyRead,
)
from convenor_gateway.deps import Auditor, RuntimeDep, api_router
from convenor_shared.routing import SessionDep
from convenor_shared.schemas import MAX_INDEX

router = api_router("/v1/audit", "audit")
TEXT = "text/plain; charset=utf-8"
NOTE_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "model": CheckpointRead,  # application/json
        "content": {"text/plain": {"schema": {"type": "string"}}},
        "description": "A C2SP signed note, or its fields as JSON with Accept: application/json",
    }
}


@router.get("/entries", operation_id="audit_entries_list")
async def list_entries(
    session: SessionDep,
    caller: Auditor,
    after: Annotated[
        int | None, Query(ge=-1, le=MAX_INDEX, description="Entries with a greater index")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    request_id: uuid.UUID | None = None,
) -> AuditPage:
    """The audit log in index (commit) order. An organisation sees the entries of its own
    requests; an administrator sees every entry."""
    return await audit_service.list_entries(
        session, caller, after=after, limit=limit, request_id=request_id
    )


def _checkpoint_response(request: Request, read: CheckpointRead) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        return Response(read.model_dump_json(), media_type="application/json")
    return PlainTextResponse(read.note, media_type=TEXT)


@router.get(
    "/checkpoints/latest",
    operation_id="audit_checkpoints_latest",
    response_class=Response,
    responses=NOTE_RESPONSES,
)
async def latest_checkpoint(session: SessionDep, request: Request) -> Response:
    """The latest signed tree head of the log (public). Made in the background every few
    seconds when the log has grown."""
    checkpoint = await audit_service.latest_checkpoint(session)
    return _checkpoint_response(request, audit_service.checkpoint_read(checkpoint))


@router.get(
    "/checkpoints/{tree_size}",
    operation_id="audit_checkpoints_get",
    response_class=Response,
    responses=NOTE_RESPONSES,
)
async def get_checkpoint(
    tree_size: Annotated[int, Path(ge=0, le=MAX_INDEX)], session: SessionDep, request: Request
) -> Response:
    """An earlier checkpoint, by its tree size (public): with a consistency proof between two,
    a monitor checks that the log only ever grew."""
    checkpoint = await audit_service.latest_checkpoint(session, tree_size)
    return _checkpoint_response(request, audit_service.checkpoint_read(checkpoint))


@router.get(
    "/keys",
    operation_id="audit_keys_list",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def list_keys(rt: RuntimeDep) -> PlainTextResponse:
    """The checkpoint verifier keys, one per line (``<name>+<key id>+<base64 key>``), the one
    signing now first. Keys retired from signing stay listed while their checkpoints matter."""
    keys = rt.signing_keys.verifier_keys()
    return PlainTextResponse("".join(key + "\n" for key in keys), media_type=TEXT)


@router.get("/proofs/inclusion", operation_id="audit_proofs_inclusion")
async def inclusion_proof(
    session: SessionDep,
    caller: Auditor,
    index: Annotated[int, Query(ge=0, le=MAX_INDEX)],
    tree_size: Annotated[
        int | None, Query(ge=1, le=MAX_INDEX, description="Default: the latest checkpoint")
    ] = None,
) -> InclusionProofRead:
    """The RFC 9162 audit path of entry ``index`` in the tree of ``tree_size`` entries."""
    size, leaf, path = await proofs.inclusion(session, index, tree_size)
    return InclusionProofRead(
        leaf_index=index, tree_size=size, leaf_hash=leaf.hex(), audit_path=[p.hex() for p in path]
    )


@router.get("/proofs/consistency", operation_id="audit_proofs_consistency")
async def consistency_proof(
    session: SessionDep,
    caller: Auditor,
    first: Annotated[int, Query(ge=0, le=MAX_INDEX)],
    second: Annotated[
        int | None, Query(ge=0, le=MAX_INDEX, description="Default: the latest checkpoint")
    ] = None,
) -> ConsistencyProofRead:
    """The RFC 9162 proof that the log of ``first`` entries is a prefix of that of ``second``."""
    size, proof = await proofs.consistency(session, first, second)
    return ConsistencyProofRead(first=first, second=size, proof=[p.hex() for p in proof])


@router.post("/verify", operation_id="audit_verify", openapi_extra={"x-idempotency-key": "none"})
async def verify(caller: Auditor, rt: RuntimeDep) -> VerifyRead:
    """Verify the stored log: every entry against its hashes and the chain, and the first
    ``tree_size`` against the latest checkpoint's signed root. Names the first bad entry.
    Reads the whole log (one verification at a time per server)."""
    return await audit_service.verify_log(rt.database, rt.signing_keys)
