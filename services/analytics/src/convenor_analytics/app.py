"""The analytics service: indicators of cost, duplication, capacity, delivery and data sharing
over a read model of the registry's and the gateway's change feeds, and the landscape review."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import httpx
from fastapi import FastAPI

from convenor_analytics import __version__
from convenor_analytics.config import AnalyticsSettings, get_settings
from convenor_analytics.costs.router import router as costs_router
from convenor_analytics.duplication.router import router as duplication_router
from convenor_analytics.indicators import service as indicators_service
from convenor_analytics.indicators.router import router as indicators_router
from convenor_analytics.landscape.service import LandscapeCache
from convenor_analytics.models import IdempotencyKey
from convenor_analytics.reports.router import router as reports_router
from convenor_analytics.scorecards.router import router as scorecards_router
from convenor_analytics.sync import metrics as sync_metrics
from convenor_analytics.sync import scheduler
from convenor_analytics.sync import service as sync_service
from convenor_analytics.sync.router import router as sync_router
from convenor_analytics.sync.router import trigger_router
from convenor_shared.app import ServiceSpec, create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"

DESCRIPTION = """
Effectiveness and efficiency indicators of a local partnership system, computed over the
analytics service's own read model of the registry's and the data gateway's change feeds:
what the boards cost (Rec 5), where the same people hold the same conversation (Rec 1, 2),
capacity and engagement, delivery and reviews (Rec 4, 8), and data sharing (Rec 6); scorecards
and the landscape review report.

Every indicator answers with its value, `n`, the window, the parameters used (with their
version) and, for rates, a Wilson interval; values about fewer than 5 people are suppressed.
Errors are RFC 9457 problem details.
"""


def _warm(app: FastAPI) -> None:
    tasks: set[asyncio.Task[None]] = app.state.warming
    task = asyncio.get_running_loop().create_task(
        indicators_service.warm(app.state.database, app.state.landscape, date.today())
    )
    tasks.add(task)  # keep a reference until it is done
    task.add_done_callback(tasks.discard)


def create_app(
    settings: AnalyticsSettings | None = None,
    *,
    http_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    settings = settings or get_settings()

    async def start(app: FastAPI) -> None:
        cache = LandscapeCache(
            settings.parameters, settings.cache_check_seconds, settings.cache_entries
        )
        app.state.landscape = cache
        app.state.warming = set()
        app.state.syncer = sync_service.Syncer.build(app.state.database, app.state.http, settings)
        app.state.syncer.on_change.append(cache.invalidate)
        if settings.recompute_after_sync:
            app.state.syncer.on_change.append(lambda: _warm(app))
        sync_metrics.install(app)
        await scheduler.start(app)

    spec = ServiceSpec(
        name="analytics",
        title="Convenor analytics",
        version=__version__,
        description=DESCRIPTION,
        routers=[
            trigger_router,
            sync_router,
            indicators_router,
            costs_router,
            duplication_router,
            scorecards_router,
            reports_router,
        ],
        migrations=MIGRATIONS,
        idempotency_model=IdempotencyKey,
        on_startup=[start],
        on_shutdown=[scheduler.stop],
    )
    return create_service_app(spec, settings, http_transport=http_transport)
