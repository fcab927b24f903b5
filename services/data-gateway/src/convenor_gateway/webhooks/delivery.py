"""Sending queued webhook notifications: claimed in a short transaction (``SKIP LOCKED``, so
several workers share the queue), sent outside any transaction, results recorded after.
Failures are retried with exponential backoff up to a cap; after the last attempt a delivery
is marked failed. The destination's addresses are checked again before every send."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update

from convenor_gateway.config import GatewaySettings
from convenor_gateway.models import WebhookDelivery
from convenor_gateway.webhooks import addresses, repository, signing
from convenor_shared.db import Database, utcnow
from convenor_shared.transactions import commit

log = logging.getLogger("convenor.gateway.webhooks")
USER_AGENT = "Convenor-Gateway-Webhooks/1"


@dataclass(frozen=True)
class Claimed:
    id: uuid.UUID
    url: str
    secret: str
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class Result:
    claimed: Claimed
    ok: bool
    status_code: int | None = None
    error: str | None = None


def backoff(attempts: int, settings: GatewaySettings) -> float:
    """Seconds before the next attempt: base, 2 x base, 4 x base ... up to the cap, +-20%."""
    base = settings.webhook_backoff_base_seconds
    delay: float = min(settings.webhook_backoff_cap_seconds, base * 2.0 ** (attempts - 1))
    return delay * random.uniform(0.8, 1.2)


async def _claim(database: Database, settings: GatewaySettings, now: datetime) -> list[Claimed]:
    lease = timedelta(seconds=settings.webhook_timeout_seconds * 3 + 30)
    async with database.session() as session:
        if database.dialect == "sqlite":
            await session.connection(execution_options={"sqlite_immediate": True})
        rows = (await session.execute(repository.due(now, settings.webhook_batch_size))).all()
        claimed = []
        for row in rows:
            delivery, webhook = row[0], row[1]
            delivery.attempts += 1
            # Not due again until the lease runs out, in case this worker dies mid-send.
            delivery.next_attempt_at = now + lease
            if not webhook.active:
                delivery.status, delivery.last_error = "failed", "the webhook was removed"
                continue
            claimed.append(
                Claimed(
                    delivery.id, webhook.url, webhook.secret, delivery.payload, delivery.attempts
                )
            )
        await commit(session)
    return claimed


async def _send(
    http: httpx.AsyncClient, resolver: addresses.Resolver, settings: GatewaySettings, item: Claimed
) -> Result:
    try:
        target = addresses.parse(item.url)
        address = (await addresses.public_addresses(target, resolver))[0]
    except addresses.RefusedUrl as exc:
        return Result(item, ok=False, error=str(exc)[:500])
    body = json.dumps({"id": str(item.id), **item.payload}, separators=(",", ":")).encode()
    timestamp = int(utcnow().timestamp())
    headers = {
        "Host": target.host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signing.headers(item.secret, str(item.id), timestamp, body),
    }
    try:
        response = await http.post(
            target.url_for(address),
            content=body,
            headers=headers,
            timeout=settings.webhook_timeout_seconds,
            extensions={"sni_hostname": target.host},
        )
    except httpx.HTTPError as exc:
        return Result(item, ok=False, error=f"{type(exc).__name__}: could not deliver")
    return Result(item, ok=200 <= response.status_code < 300, status_code=response.status_code)


async def _record(
    database: Database, settings: GatewaySettings, results: list[Result], now: datetime
) -> None:
    async with database.session() as session:
        for result in results:
            values: dict[str, Any] = {
                "last_status_code": result.status_code,
                "last_error": result.error,
            }
            if result.ok:
                values |= {"status": "delivered", "delivered_at": now, "last_error": None}
            elif result.claimed.attempts >= settings.webhook_max_attempts:
                values |= {"status": "failed"}
            else:
                delay = backoff(result.claimed.attempts, settings)
                values |= {"next_attempt_at": now + timedelta(seconds=delay)}
            await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == result.claimed.id)
                .values(**values)
            )
        await commit(session)


async def deliver_due(
    database: Database,
    http: httpx.AsyncClient,
    resolver: addresses.Resolver,
    settings: GatewaySettings,
    now: datetime | None = None,
) -> int:
    """Send what is due; returns how many were attempted."""
    now = now or utcnow()
    claimed = await _claim(database, settings, now)
    if not claimed:
        return 0
    results = await asyncio.gather(*(_send(http, resolver, settings, c) for c in claimed))
    await _record(database, settings, list(results), utcnow())
    return len(claimed)


async def run_forever(
    database: Database,
    http: httpx.AsyncClient,
    resolver: addresses.Resolver,
    settings: GatewaySettings,
) -> None:
    """The background task: deliver, sleep, repeat; a failure is logged, never fatal."""
    while True:
        try:
            sent = await deliver_due(database, http, resolver, settings)
        except Exception:  # the loop must outlive a bad batch or a database blip
            log.exception("webhook delivery failed; retrying later")
            sent = 0
        if not sent:
            await asyncio.sleep(settings.webhook_delivery_interval_seconds)
