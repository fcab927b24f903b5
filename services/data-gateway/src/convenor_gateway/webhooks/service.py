"""Webhooks: a partner registers an https endpoint and is notified, with a signed message, when
a request reaches it or changes. Notifications are queued in the same transaction as the change
and sent by a background task (``webhooks.delivery``), never on the request path. They carry
identifiers and the new status only; the receiver reads the request with its own token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.models import DataRequest, Webhook, WebhookDelivery
from convenor_gateway.permissions import organisation_of
from convenor_gateway.webhooks import addresses, repository, signing
from convenor_gateway.webhooks.schemas import WebhookCreate
from convenor_shared.auth import Caller
from convenor_shared.db import new_id, utcnow
from convenor_shared.problems import NotFound, RuleBroken

_ACTIVE = "gateway.webhooks"
RECENT_DELIVERIES = 50


class WebhookNotFound(NotFound):
    """There is no webhook with that id registered by your organisation."""

    slug = "webhook-not-found"


class WebhookUrlRefused(RuleBroken):
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


async def notify(
    session: AsyncSession, request: DataRequest, event_type: str, at: datetime
) -> None:
    """Queue a notification of ``event_type`` to the parties' webhooks, in the transaction of
    the change. The holder hears of a request only once it has been submitted (a draft has
    not reached it). The queue is written now, not at commit, to keep the commit short."""
    recipients = [request.requester_organisation_id]
    if request.submitted_at is not None:
        recipients.append(request.holder_organisation_id)
    endpoints = await _active(session, recipients)
    if not endpoints:
        return
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
    now = utcnow()
    for webhook in endpoints:
        if not webhook.events or event_type in webhook.events:
            session.add(
                WebhookDelivery(
                    id=new_id(),
                    webhook_id=webhook.id,
                    event_type=event_type,
                    payload=payload,
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )


@dataclass(frozen=True, slots=True)
class _Endpoint:
    id: uuid.UUID
    events: list[str]


async def _active(session: AsyncSession, organisations: list[uuid.UUID]) -> list[_Endpoint]:
    """The organisations' active webhooks, read once per transaction."""
    known: dict[uuid.UUID, list[_Endpoint]] = session.info.setdefault(_ACTIVE, {})
    missing = [org for org in organisations if org not in known]
    if missing:
        for org in missing:
            known[org] = []
        # The request's own pending changes need not be written for this read: leaving them
        # to the flush before commit writes each row once, in its final form.
        with session.no_autoflush:
            found = await session.execute(repository.active_for(), {"organisation_ids": missing})
        for webhook_id, organisation_id, events in found:
            known[organisation_id].append(_Endpoint(webhook_id, list(events or [])))
    return [webhook for org in organisations for webhook in known[org]]
