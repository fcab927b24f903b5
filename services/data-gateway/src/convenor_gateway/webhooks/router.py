from __future__ import annotations

import uuid

from fastapi import Response

from convenor_gateway.deps import Partner, ResolverDep, api_router
from convenor_gateway.webhooks import service as webhooks_service
from convenor_gateway.webhooks.schemas import (
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryRead,
    WebhookRead,
)
from convenor_shared.routing import SessionDep

router = api_router("/v1/webhooks", "webhooks")


@router.get("", operation_id="webhooks_list")
async def list_webhooks(session: SessionDep, caller: Partner) -> list[WebhookRead]:
    """Your organisation's webhook endpoints."""
    rows = await webhooks_service.list_webhooks(session, caller)
    return [WebhookRead.model_validate(row) for row in rows]


@router.post("", status_code=201, operation_id="webhooks_create")
async def create_webhook(
    body: WebhookCreate, session: SessionDep, caller: Partner, resolver: ResolverDep
) -> WebhookCreated:
    """Register an https endpoint. The signing secret is in this response only."""
    webhook, secret = await webhooks_service.register(session, resolver, body, caller)
    return WebhookCreated(**WebhookRead.model_validate(webhook).model_dump(), secret=secret)


@router.get("/{webhook_id}", operation_id="webhooks_get")
async def get_webhook(webhook_id: uuid.UUID, session: SessionDep, caller: Partner) -> WebhookRead:
    return WebhookRead.model_validate(await webhooks_service.get(session, caller, webhook_id))


@router.delete("/{webhook_id}", status_code=204, operation_id="webhooks_delete")
async def delete_webhook(webhook_id: uuid.UUID, session: SessionDep, caller: Partner) -> Response:
    webhook = await webhooks_service.get(session, caller, webhook_id)
    await webhooks_service.delete(session, webhook)
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries", operation_id="webhook_deliveries_list")
async def list_deliveries(
    webhook_id: uuid.UUID, session: SessionDep, caller: Partner
) -> list[WebhookDeliveryRead]:
    """The most recent deliveries to this endpoint, newest first."""
    webhook = await webhooks_service.get(session, caller, webhook_id)
    return [
        WebhookDeliveryRead.model_validate(d)
        for d in await webhooks_service.deliveries(session, webhook)
    ]
