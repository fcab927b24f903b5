from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select

from convenor_gateway.models import Webhook, WebhookDelivery


def of_organisation(organisation_id: uuid.UUID) -> Select[Webhook]:
    return (
        select(Webhook)
        .where(Webhook.organisation_id == organisation_id, Webhook.deleted_at.is_(None))
        .order_by(Webhook.id)
    )


def active_for(organisation_ids: Sequence[uuid.UUID]) -> Select[Webhook]:
    return select(Webhook).where(
        Webhook.organisation_id.in_(organisation_ids),
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
