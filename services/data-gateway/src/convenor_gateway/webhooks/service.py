"""Webhooks: a partner registers an https endpoint and is notified, with a signed message, when
a request reaches it or changes. Notifications are queued in the same transaction as the change
and sent by a background task (``webhooks.delivery``), never on the request path. They carry
identifiers and the new status only; the receiver reads the request with its own token."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.models import DataRequest, Webhook, WebhookDelivery
from convenor_gateway.permissions import organisation_of
from convenor_gateway.webhooks import addresses, repository, signing
from convenor_gateway.webhooks.schemas import WebhookCreate
from convenor_shared.auth import Caller
from convenor_shared.db import new_id, utcnow
from convenor_shared.problems import NotFound, Unprocessable
from convenor_shared.transactions import before_commit

_PENDING = "gateway.webhooks"
RECENT_DELIVERIES = 50


class WebhookNotFound(NotFound):
    """There is no webhook with that id registered by your organisation."""

    slug = "webhook-not-found"


class WebhookUrlRefused(Unprocessable):
    """The webhook URL was refused: it must be https, carry no credentials, and its host must
    resolve only to public addresses (not loopback, private, link-local, multicast or
    reserved ones)."""

    slug, title = "webhook-url-refused", "Webhook URL refused"


async def register(
    session: AsyncSession, resolver: addresses.Resolver, body: WebhookCreate, caller: Caller
) -> tuple[Webhook, str]:
    """Register an endpoint; returns it and its signing secret (shown once)."""
    organisation_id = organisation_of(caller)
    try:
        await addresses.public_addresses(addresses.parse(body.url), resolver)
    except addresses.RefusedUrl as exc:
        raise WebhookUrlRefused(
            str(exc),
            extensions={"errors": [{"loc": ["body", "url"], "msg": str(exc), "type": "value"}]},
        ) from exc
    secret = signing.new_secret()
    webhook = Webhook(
        id=new_id(),
        organisation_id=organisation_id,
        url=body.url,
        secret=secret,
        events=list(body.events),
        description=body.description,
        active=True,
        created_at=utcnow(),
        created_by=caller.client_id,
    )
    session.add(webhook)
    await session.flush()
    return webhook, secret


async def list_webhooks(session: AsyncSession, caller: Caller) -> list[Webhook]:
    return list(
        (await session.execute(repository.of_organisation(organisation_of(caller)))).scalars()
    )


async def get(session: AsyncSession, caller: Caller, webhook_id: uuid.UUID) -> Webhook:
    webhook = await session.get(Webhook, webhook_id)
    if (
        webhook is None
        or webhook.deleted_at is not None
        or webhook.organisation_id != caller.organisation_id
    ):
        raise WebhookNotFound(f"No webhook {webhook_id}.")
    return webhook


async def delete(session: AsyncSession, webhook: Webhook) -> None:
    webhook.deleted_at = utcnow()
    webhook.active = False
    await session.flush()


async def deliveries(session: AsyncSession, webhook: Webhook) -> list[WebhookDelivery]:
    query = repository.recent_deliveries(webhook.id, RECENT_DELIVERIES)
    return list((await session.execute(query)).scalars())


def notify(session: AsyncSession, request: DataRequest, event_type: str, at: datetime) -> None:
    """Queue a notification of ``event_type`` to the parties' webhooks. The holder hears of a
    request only once it has been submitted (a draft has not reached it)."""
    recipients = [request.requester_organisation_id]
    if request.submitted_at is not None:
        recipients.append(request.holder_organisation_id)
    payload: dict[str, Any] = {
        "type": event_type,
        "occurred_at": at.isoformat().replace("+00:00", "Z"),
        "data": {
            "request_id": str(request.id),
            "status": request.status,
            "reason_code": request.reason_code if request.status == "refused" else None,
            "requester_organisation_id": str(request.requester_organisation_id),
            "holder_organisation_id": str(request.holder_organisation_id),
            "purpose": request.purpose,
            "url": f"/v1/requests/{request.id}",
        },
    }
    pending: list[tuple[list[uuid.UUID], dict[str, Any]]] = session.info.setdefault(_PENDING, [])
    pending.append((recipients, payload))
    before_commit(session, "webhooks", _enqueue)


async def _enqueue(session: AsyncSession) -> None:
    pending: list[tuple[list[uuid.UUID], dict[str, Any]]] = session.info.pop(_PENDING, [])
    organisations = {org for recipients, _ in pending for org in recipients}
    if not organisations:
        return
    webhooks = list((await session.execute(repository.active_for(list(organisations)))).scalars())
    if not webhooks:
        return
    now = utcnow()
    rows = [
        {
            "id": new_id(),
            "webhook_id": webhook.id,
            "event_type": payload["type"],
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for recipients, payload in pending
        for webhook in webhooks
        if webhook.organisation_id in recipients
        and (not webhook.events or payload["type"] in webhook.events)
    ]
    if rows:
        await session.execute(insert(WebhookDelivery), rows)
