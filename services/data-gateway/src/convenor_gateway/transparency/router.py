from __future__ import annotations

from typing import Annotated

from fastapi import Query

from convenor_gateway.deps import RuntimeDep, api_router
from convenor_gateway.transparency import service as transparency_service
from convenor_gateway.transparency.schemas import TransparencyReport
from convenor_shared.routing import SessionDep
from convenor_shared.schemas import IsoDate

router = api_router("/v1/transparency", "transparency")


@router.get("", operation_id="transparency_get")
async def get_transparency(
    session: SessionDep,
    rt: RuntimeDep,
    period_from: Annotated[IsoDate | None, Query(alias="from")] = None,
    period_to: Annotated[IsoDate | None, Query(alias="to")] = None,
) -> TransparencyReport:
    """Published figures, no token needed: counts, turnaround and outcomes of submitted
    requests by legal gateway, purpose and partner classification, small numbers suppressed."""
    return await transparency_service.report(session, rt, period_from, period_to)
