from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request

from convenor_registry.deps import Reader, api_router
from convenor_registry.popolo import service as popolo_service
from convenor_registry.popolo.schemas import PopoloExport
from convenor_shared.routing import SessionDep

router = api_router("/v1/export", "exchange")


@router.get("/popolo", operation_id="popolo_export", response_model_exclude_none=True)
async def export_popolo(
    request: Request,
    session: SessionDep,
    caller: Reader,
    area: Annotated[
        str, Query(max_length=64, description="Area id or GSS code; includes areas within it")
    ],
) -> PopoloExport:
    """The area's organisations, partnerships, people, posts and memberships as Popolo JSON."""
    return await popolo_service.export(session, area, caller, str(request.base_url))
