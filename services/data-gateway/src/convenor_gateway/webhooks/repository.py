from __future__ import annotations

import functools
import uuid
from datetime import datetime

from sqlalchemy import Select, bindparam, select

from convenor_gateway.models import Webhook, WebhookDelivery


def of_organisation(organisation_id: uuid.UUID) -> Select[Webhook]:
    return (
        select(Webhook)
        .where(Webhook.organisation_id == organisation_id, Webhook.deleted_at.is_(None))
        .order_by(Webhook.id)
    )


@functools.cache
def active_for() -> Select[uuid.UUID, uuid.UUID, list[str]]:
    """Id, organisation and events of the active webhooks of the organisations bound as
    ``organisation_ids``. Built once: every move of a request runs it, and constructing a
    statement from ORM attributes costs more than running it; plain columns, not entities,
    for the same reason."""
    return select(Webhook.id, Webhook.organisation_id, Webhook.events).where(
        Webhook.organisation_id.in_(bindparam("organisation_ids", expanding=True)),
        Webhook.active.is_(True),
        Webhook.deleted_at.is_(None),
    )


def recent_deliveries(webhook_id: uuid.UUID, limit: int) -> Select[WebhookDelivery]:
    return (
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )


def due(now: datetime, limit: int) -> Select[WebhookDelivery, Webhook]:
    return (
        select(WebhookDelivery, Webhook)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=WebhookDelivery)
    )
