"""Prometheus gauges of the sync, read from the database at each scrape: how far behind each
feed is (items and seconds) and whether its last run failed."""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import Gauge
from sqlalchemy import select

from convenor_analytics.models import SyncSource
from convenor_shared.db import utcnow


def install(app: FastAPI) -> None:
    registry = app.state.metrics.registry
    behind = Gauge(
        "convenor_analytics_sync_items_behind",
        "Feed items not yet applied",
        ["source"],
        registry=registry,
    )
    age = Gauge(
        "convenor_analytics_sync_seconds_since_success",
        "Seconds since the feed was last synced successfully",
        ["source"],
        registry=registry,
    )
    failing = Gauge(
        "convenor_analytics_sync_failing",
        "1 when the last run of the feed failed",
        ["source"],
        registry=registry,
    )

    async def refresh(app: FastAPI) -> None:
        async with app.state.database.read_session() as session:
            sources = (await session.execute(select(SyncSource))).scalars().all()
        now = utcnow()
        for source in sources:
            behind.labels(source.source).set(source.items_behind or 0)
            if source.last_success_at is not None:
                age.labels(source.source).set((now - source.last_success_at).total_seconds())
            failing.labels(source.source).set(1 if source.last_error else 0)

    app.state.metrics.refreshers.append(refresh)
