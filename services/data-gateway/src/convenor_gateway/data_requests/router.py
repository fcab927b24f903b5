from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from convenor_gateway.data_requests import decision_record, evidence
from convenor_gateway.data_requests import service as requests_service
from convenor_gateway.data_requests.schemas import (
    RequestCreate,
    RequestPage,
    RequestRead,
    RequestSummary,
    RequestUpdate,
    TransitionCreate,
    TransitionRead,
)
from convenor_gateway.deps import Partner, Requester, RuntimeDep, api_router
from convenor_gateway.vocabularies import RequestStatus
from convenor_shared.concurrency import check_if_match, etag_of, set_etag
from convenor_shared.pagination import PageDep
from convenor_shared.responses import model_response
from convenor_shared.routing import SessionDep, group_commit

router = api_router("/v1/requests", "requests")
MARKDOWN = "text/markdown"


@router.get("", operation_id="requests_list")
async def list_requests(
    session: SessionDep,
    caller: Partner,
    page: PageDep,
    role: Literal["requester", "holder"] | None = None,
    status: RequestStatus | None = None,
) -> RequestPage:
    """Requests your organisation made (``role=requester``) or received (``role=holder``)."""
    rows, cursor = await requests_service.list_requests(session, caller, page, role, status)
    return RequestPage(items=[RequestSummary.model_validate(r) for r in rows], next_cursor=cursor)


@router.post("", status_code=201, operation_id="requests_create", response_model=RequestRead)
@group_commit
async def create_request(
    body: RequestCreate, session: SessionDep, caller: Requester, rt: RuntimeDep
) -> Response:
    """Raise a request from your organisation (``submit: true`` submits it at once). Needs
    ``gateway:request``, like every other move of the requester."""
    request = await requests_service.create(session, rt, body, caller)
    # The hottest write: serialised once by its own model, not validated again by FastAPI.
    return model_response(
        requests_service.to_read(request, caller),
        status_code=201,
        headers={
            "ETag": etag_of(request.version, request.id),
            "Location": f"/v1/requests/{request.id}",
        },
    )


@router.get("/{request_id}", operation_id="requests_get")
async def get_request(
    request_id: uuid.UUID, session: SessionDep, caller: Partner, response: Response
) -> RequestRead:
    """The request in full. Each read is logged as a consultation."""
    request = await requests_service.consult(session, caller, request_id, "request")
    set_etag(response, etag_of(request.version, request.id))
    return requests_service.to_read(request, caller)


@router.patch("/{request_id}", operation_id="requests_update")
async def update_request(
    request_id: uuid.UUID,
    body: RequestUpdate,
    session: SessionDep,
    caller: Partner,
    rt: RuntimeDep,
    request: Request,
    response: Response,
) -> RequestRead:
    """Change a draft, or a request returned for clarification (requester only)."""
    data_request = await requests_service.get(session, caller, request_id, for_change=True)
    check_if_match(request, etag_of(data_request.version, data_request.id))
    data_request = await requests_service.update(session, rt, data_request, body, caller)
    set_etag(response, etag_of(data_request.version, data_request.id))
    return requests_service.to_read(data_request, caller)


@router.post(
    "/{request_id}/transitions",
    operation_id="request_transitions_create",
    openapi_extra={"x-idempotency-key": "none"},
)
async def transition_request(
    request_id: uuid.UUID,
    body: TransitionCreate,
    session: SessionDep,
    caller: Partner,
    rt: RuntimeDep,
    response: Response,
) -> RequestRead:
    """Move the request: the requester submits and withdraws, the holder acknowledges, asks
    for clarification, approves (wholly or partly) or refuses. A move that does not exist is
    409 and one that is the other party's is 403; both list the moves you can make."""
    request = await requests_service.get(session, caller, request_id, for_change=True)
    request = await requests_service.transition(session, rt, request, body, caller)
    set_etag(response, etag_of(request.version, request.id))
    return requests_service.to_read(request, caller)


@router.get("/{request_id}/history", operation_id="request_history_list")
async def get_history(
    request_id: uuid.UUID, session: SessionDep, caller: Partner
) -> list[TransitionRead]:
    """Every move of the request: who, from which organisation, when, why."""
    request = await requests_service.consult(session, caller, request_id, "history")
    rows = await requests_service.history(session, request)
    return [TransitionRead.model_validate(row) for row in rows]


@router.get(
    "/{request_id}/decision-record",
    operation_id="request_decision_record_get",
    response_model=dict[str, Any],
    responses={200: {"content": {MARKDOWN: {"schema": {"type": "string"}}}}},
)
async def get_decision_record(
    request_id: uuid.UUID, session: SessionDep, caller: Partner, rt: RuntimeDep, request: Request
) -> Response:
    """The record of the sharing decision (ICO data sharing code): JSON, or Markdown with
    ``Accept: text/markdown``."""
    data_request = await requests_service.consult(session, caller, request_id, "decision_record")
    history = await requests_service.history(session, data_request)
    record = await decision_record.build(session, rt, data_request, history)
    if MARKDOWN in request.headers.get("accept", ""):
        return PlainTextResponse(
            decision_record.markdown(record), media_type=f"{MARKDOWN}; charset=utf-8"
        )
    return JSONResponse(record)


@router.get(
    "/{request_id}/evidence",
    operation_id="request_evidence_get",
    response_class=Response,
    responses={
        200: {
            "description": "The evidence bundle: RFC 8785 canonical JSON, verifiable offline",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def get_evidence(
    request_id: uuid.UUID, session: SessionDep, caller: Partner, rt: RuntimeDep
) -> Response:
    """The request (its free text as salted hashes), its moves, the delivered payload's hash,
    its audit entries with inclusion proofs, the signed checkpoint they lead to and its key:
    check it offline with ``convenor-gateway evidence verify``. 409 with ``Retry-After`` until
    the request's latest events are in a checkpoint. Each read is logged as a consultation."""
    content = await evidence.bundle(session, rt, caller, request_id)
    return Response(
        content,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="evidence-{request_id}.json"'},
    )
