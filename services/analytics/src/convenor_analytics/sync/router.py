from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from convenor_analytics.deps import Reader, api_router
from convenor_analytics.sync import service as sync_service
from convenor_analytics.sync.schemas import SyncResult, SyncStatus
from convenor_shared.problems import PROBLEM_RESPONSES
from convenor_shared.routing import SessionDep

router = api_router("/v1/sync", "sync")
# POST /v1/sync is a job trigger: it commits page by page itself, as a background job does, so
# it runs outside a request transaction (one would hold SQLite's write lock against it).
trigger_router = APIRouter(prefix="/v1/sync", tags=["sync"], responses=PROBLEM_RESPONSES)

FAILURES: dict[int | str, dict[str, Any]] = {
    502: {"description": "A feed answered with something unusable; nothing of it was applied"},
    503: {"description": "A feed could not be reached; what was read before is kept"},
    504: {"description": "A feed did not answer in time; what was read before is kept"},
}


@trigger_router.post("", operation_id="sync_run", responses=FAILURES)
async def run_sync(request: Request, caller: Reader) -> SyncResult:
    """Pull both change feeds now (the schedule does the same). On a failure the answer is a
    problem whose ``sync`` extension says what was applied before it."""
    try:
        return await sync_service.run(request.app.state.syncer, "api")
    except sync_service.SyncFailed as failed:
        failed.problem.extensions["sync"] = failed.result.model_dump(mode="json")
        raise failed.problem from None


@router.get("/status", operation_id="sync_status")
async def sync_status(request: Request, session: SessionDep, caller: Reader) -> SyncStatus:
    """Cursors, the last run, items applied and lag of each feed."""
    return await sync_service.status(session, request.app.state.settings)
