from __future__ import annotations

import uuid

from fastapi import Request

from convenor_analytics.deps import From, Reader, To, api_router, today
from convenor_analytics.scorecards import service as scorecards_service
from convenor_analytics.scorecards.schemas import AreaScorecard, PartnershipScorecard
from convenor_shared.routing import SessionDep

router = api_router("/v1/scorecards", "scorecards")


@router.get("/partnerships/{partnership_id}", operation_id="scorecards_partnership")
async def partnership_scorecard(
    partnership_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    caller: Reader,
    from_: From = None,
    to: To = None,
) -> PartnershipScorecard:
    """Cost, delivery, engagement and governance of one partnership, and its closest overlaps."""
    return await scorecards_service.partnership(
        session, request.app.state.landscape, partnership_id, from_, to, today(request)
    )


@router.get("/areas/{area}", operation_id="scorecards_area")
async def area_scorecard(
    area: str,
    request: Request,
    session: SessionDep,
    caller: Reader,
    from_: From = None,
    to: To = None,
) -> AreaScorecard:
    """The headline indicators of an area's partnership system and its merge candidates."""
    return await scorecards_service.area(
        session, request.app.state.landscape, area, from_, to, today(request)
    )
