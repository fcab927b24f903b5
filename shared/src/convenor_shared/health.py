"""``/healthz`` (the process is alive), ``/readyz`` (database reachable, migrations at head) and
``/metrics`` (Prometheus text format)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import text

from convenor_shared.db import Database
from convenor_shared.migrations import current_revision

router = APIRouter(tags=["health"])
log = logging.getLogger("convenor.health")


@router.get("/healthz", operation_id="health_live", summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    operation_id="health_ready",
    summary="The database answers and its schema is at the migration head",
    responses={503: {"description": "Not ready"}},
)
async def readyz(request: Request) -> JSONResponse:
    database: Database = request.app.state.database
    head: str | None = request.app.state.migration_head
    try:
        async with asyncio.timeout(2.0):
            async with database.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
                revision = await current_revision(conn)
    except Exception as exc:  # any failure to reach the database means "not ready"
        return JSONResponse(
            {"status": "unavailable", "database": type(exc).__name__},
            status_code=503,
            headers={"Retry-After": "2"},
        )
    if revision != head:
        return JSONResponse(
            {"status": "migrating", "revision": revision, "head": head},
            status_code=503,
            headers={"Retry-After": "5"},
        )
    return JSONResponse({"status": "ok", "revision": revision})


@router.get(
    "/metrics", operation_id="health_metrics", summary="Prometheus metrics", response_class=Response
)
async def metrics(request: Request) -> Response:
    registry = request.app.state.metrics
    for refresh in registry.refreshers:  # service gauges read from the database at scrape time
        try:
            async with asyncio.timeout(2.0):
                await refresh(request.app)
        except Exception:  # a gauge that cannot be read stays at its last value
            log.warning("could not refresh a metric", exc_info=True)
    return Response(generate_latest(registry.registry), media_type=CONTENT_TYPE_LATEST)


class PoolCollector(Collector):
    """Database connection-pool gauges, read at scrape time."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self) -> Iterator[GaugeMetricFamily]:
        pool = self.database.engine.sync_engine.pool
        checked_out = getattr(pool, "checkedout", None)
        size = getattr(pool, "size", None)
        if callable(checked_out):
            yield GaugeMetricFamily(
                "convenor_db_pool_checked_out", "Connections in use", value=checked_out()
            )
        if callable(size):
            yield GaugeMetricFamily("convenor_db_pool_size", "Pool size", value=size())
