"""Housekeeping run outside requests: expiring requests past their due date or retention.

Called by the housekeeping of :mod:`convenor_gateway.deliveries.tasks` (the app's background
task and ``convenor-gateway retention run``, which also erase deliveries past retention) and by
``convenor-gateway requests expire``; they commit through ``transactions.commit``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.audit.service import SYSTEM
from convenor_gateway.data_requests import repository, transitions
from convenor_shared.db import utcnow

BATCH = 500


async def expire_overdue(session: AsyncSession, now: datetime | None = None) -> int:
    """Expire open requests (not yet delivered) past their due date; returns how many."""
    now = now or utcnow()
    rows = list(
        (
            await session.execute(repository.overdue(now.date(), sorted(transitions.OPEN), BATCH))
        ).scalars()
    )
    for request in rows:
        await transitions.move(
            session, request, "expired", SYSTEM, now, reason_code="due_date_passed"
        )
    return len(rows)


async def expire_retention(session: AsyncSession, now: datetime | None = None) -> int:
    """Expire delivered requests whose retention period has ended; returns how many."""
    now = now or utcnow()
    count, after = 0, None
    while True:
        rows = list((await session.execute(repository.delivered(BATCH, after))).scalars())
        for request in rows:
            ends = (request.delivered_at or now) + timedelta(days=request.retention_days)
            if ends <= now:
                await transitions.move(
                    session, request, "expired", SYSTEM, now, reason_code="retention_ended"
                )
                count += 1
        if len(rows) < BATCH:
            return count
        after = rows[-1].id
