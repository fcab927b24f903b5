from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request

from convenor_analytics.deps import Area, From, Reader, To, api_router, today
from convenor_analytics.duplication import service as duplication_service
from convenor_analytics.duplication.schemas import DuplicationRead, WhatIfRead, WhatIfRequest
from convenor_shared.routing import SessionDep

router = api_router("/v1/duplication", "duplication")


@router.get("", operation_id="duplication_get")
async def get_duplication(
    request: Request,
    session: SessionDep,
    caller: Reader,
    area: Area = None,
    basis: Literal["membership", "attendance"] = "membership",
    from_: From = None,
    to: To = None,
    limit: Annotated[int, Query(ge=1, le=5000, description="Pairs to list")] = 200,
    min_score: Annotated[float, Query(ge=0, le=1)] = 0.0,
) -> DuplicationRead:
    """Pairs of partnerships ordered by the "same people, same conversation" score (D1-D5),
    and clusters of merge candidates with their cost and the saving a merge could bring (D7)."""
    return await duplication_service.duplication(
        session,
        request.app.state.landscape,
        area=area,
        basis=basis,
        start=from_,
        end=to,
        limit=limit,
        min_score=min_score,
        today=today(request),
    )


@router.post(
    "/what-if", operation_id="duplication_what_if", openapi_extra={"x-idempotency-key": "none"}
)
async def what_if(
    body: WhatIfRequest, request: Request, session: SessionDep, caller: Reader
) -> WhatIfRead:
    """The cost of one board replacing the partnerships named, and the saving (a calculation:
    nothing is changed)."""
    return await duplication_service.what_if(
        session, request.app.state.landscape, body, today(request)
    )
