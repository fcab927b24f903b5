"""The sync on a schedule: a background task of the app's lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import FastAPI

from convenor_analytics.sync import service as sync_service

log = logging.getLogger("convenor.analytics.sync")
TASK = "sync_task"


async def start(app: FastAPI) -> None:
    interval: float = app.state.settings.sync_interval_seconds
    if interval <= 0:
        return

    retry: float = min(interval, app.state.settings.sync_retry_seconds)

    async def loop() -> None:
        while True:
            pause = interval
            try:
                await sync_service.run(app.state.syncer, "schedule")
            except sync_service.SyncFailed as failed:
                # At start-up the other services may not be up yet: try again soon.
                log.warning("scheduled sync failed: %s", failed.problem.detail)
                pause = retry
            except Exception:  # the schedule must outlive any one bad run
                log.exception("scheduled sync crashed")
                pause = retry
            await asyncio.sleep(pause)

    setattr(app.state, TASK, asyncio.create_task(loop(), name="analytics-sync"))


async def stop(app: FastAPI) -> None:
    task: asyncio.Task[None] | None = getattr(app.state, TASK, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
