"""Housekeeping run outside requests: retention and expiry.

When a delivery's retention ends (``delivered_at`` plus the request's ``retention_days``) its
wrapped data key is destroyed and its chunks deleted (crypto-shredding), an ``erasure`` entry
is logged, and a request still ``delivered`` moves to ``expired``; open requests past their due
date expire too. Run by the app's lifespan every ``GATEWAY_RETENTION_INTERVAL_SECONDS`` and by
``convenor-gateway retention run``; each batch commits through ``transactions.commit``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.audit.service import SYSTEM
from convenor_gateway.data_requests import tasks as request_tasks
from convenor_gateway.deliveries import repository
from convenor_gateway.deliveries.service import shred
from convenor_gateway.models import DataRequest
from convenor_shared.db import Database, utcnow
from convenor_shared.transactions import commit

log = logging.getLogger("convenor.gateway.retention")
BATCH = 200


async def erase_due(session: AsyncSession, now: datetime) -> int:
    """Shred every delivery whose retention has ended (one batch); how many."""
    due = list((await session.execute(repository.due_for_erasure(now, BATCH))).scalars())
    for delivery in due:
        request = await session.get(DataRequest, delivery.request_id, with_for_update=True)
        assert request is not None
        await shred(session, request, delivery, SYSTEM, now, "retention_ended")
    return len(due)


async def run(database: Database, now: datetime | None = None) -> dict[str, int]:
    """Erase what retention says must go, expire what is due; committed batch by batch."""
    now = now or utcnow()
    erased = 0
    while True:
        async with database.session() as session:
            done = await erase_due(session, now)
            await commit(session)
        erased += done
        if done < BATCH:
            break
    async with database.session() as session:
        expired_retention = await request_tasks.expire_retention(session, now)
        expired_overdue = await request_tasks.expire_overdue(session, now)
        await commit(session)
    return {
        "erased": erased,
        "expired_retention": expired_retention,
        "expired_overdue": expired_overdue,
    }


async def run_forever(database: Database, interval: float) -> None:
    """The background housekeeper of the app's lifespan."""
    while True:
        await asyncio.sleep(interval)
        try:
            result = await run(database)
            if any(result.values()):
                log.info("retention and expiry", extra=result)
        except Exception:
            log.exception("retention run failed; trying again later")
