from __future__ import annotations

import base64
import uuid
from typing import Annotated, Any

from fastapi import Header, Request, Response
from fastapi.responses import StreamingResponse

from convenor_gateway.deliveries import download as download_service
from convenor_gateway.deliveries import service as deliveries_service
from convenor_gateway.deliveries.schemas import DeliveryRead, ErasureCreate
from convenor_gateway.deps import Partner, RuntimeDep, api_router
from convenor_shared.routing import SessionDep

router = api_router("/v1/requests", "deliveries")
PATH = r"^/v1/requests/[^/]+/delivery$"

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The dataset: UTF-8 CSV with a header row, or a JSON array of flat "
        "objects. Columns are the approved data items' names.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
        },
    }
}
DOWNLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The delivered dataset, byte for byte as delivered",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
        },
    },
    410: {"description": "Erased, or past its retention"},
}


@router.put(
    "/{request_id}/delivery",
    operation_id="request_delivery_put",
    openapi_extra=UPLOAD_BODY,
    responses={201: {"model": DeliveryRead, "description": "Delivered"}},
)
async def put_delivery(
    request_id: uuid.UUID,
    session: SessionDep,
    caller: Partner,
    rt: RuntimeDep,
    request: Request,
    response: Response,
) -> DeliveryRead:
    """Deliver the approved dataset (holder only). It is checked against the approval as it
    streams in (422 lists every problem, and nothing is stored), encrypted under the request's
    own key, and the request becomes ``delivered``. The same bytes again are a no-op (200);
    different bytes after a delivery are a 409."""
    delivery, created = await deliveries_service.deliver(
        session, rt, caller, request_id, request.headers.get("content-type"), request.stream()
    )
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/requests/{request_id}/delivery"
    return DeliveryRead.model_validate(delivery)


@router.get(
    "/{request_id}/delivery",
    operation_id="request_delivery_get",
    response_class=StreamingResponse,
    responses=DOWNLOAD_RESPONSES,
)
async def get_delivery(
    request_id: uuid.UUID,
    session: SessionDep,
    caller: Partner,
    rt: RuntimeDep,
    data_purpose: Annotated[
        str | None,
        Header(
            alias="Data-Purpose",
            description="The request's purpose: the data is released for it alone",
        ),
    ] = None,
) -> StreamingResponse:
    """Download the delivered dataset (the requester's organisation only), stating the
    request's purpose in ``Data-Purpose``. Every download and every refused attempt is logged."""
    download = await download_service.open_download(session, rt, caller, request_id, data_purpose)
    digest = base64.b64encode(bytes.fromhex(download.sha256)).decode("ascii")
    extension = "csv" if download.content_type.startswith("text/csv") else "json"
    return StreamingResponse(
        download_service.plaintext(rt.database, download),
        media_type=download.content_type,
        headers={
            "Content-Length": str(download.size),
            "Repr-Digest": f"sha-256=:{digest}:",
            "Content-Disposition": f'attachment; filename="{request_id}.{extension}"',
            "Cache-Control": "no-store",
        },
    )


@router.post(
    "/{request_id}/erasure",
    operation_id="request_erasure_create",
    openapi_extra={"x-idempotency-key": "none"},
)
async def erase_delivery(
    request_id: uuid.UUID, body: ErasureCreate, session: SessionDep, caller: Partner
) -> DeliveryRead:
    """Erase the delivered data now (requester or holder, with a reason): on withdrawal of
    consent, an erasure decision, or data delivered in error. Its key is destroyed and its
    ciphertext deleted; the log keeps its hash and the erasure. Erasing again changes nothing."""
    delivery = await deliveries_service.erase(session, caller, request_id, body)
    return DeliveryRead.model_validate(delivery)
