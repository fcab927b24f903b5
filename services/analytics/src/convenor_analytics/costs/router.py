from __future__ import annotations

import uuid

from fastapi import Request

from convenor_analytics.costs import service as costs_service
from convenor_analytics.costs.schemas import CostRead, EstimateRead, EstimateRequest
from convenor_analytics.deps import From, Reader, To, api_router, today
from convenor_shared.routing import SessionDep

router = api_router("/v1/costs", "costs")


@router.post(
    "/estimate", operation_id="costs_estimate", openapi_extra={"x-idempotency-key": "none"}
)
async def estimate(body: EstimateRequest, request: Request, caller: Reader) -> EstimateRead:
    """The stateless calculator: salary cost (or loaded, with ``on_costs``) of a meeting, a
    board's year and a portfolio of boards, unrounded, with the parameters used."""
    return costs_service.estimate(request.app.state.landscape.parameters, body)


@router.get("/meetings/{meeting_id}", operation_id="costs_meeting")
async def meeting_cost(
    meeting_id: uuid.UUID, request: Request, session: SessionDep, caller: Reader
) -> CostRead:
    return await costs_service.meeting_cost(session, request.app.state.landscape, meeting_id)


@router.get("/partnerships/{partnership_id}", operation_id="costs_partnership")
async def partnership_cost(
    partnership_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    caller: Reader,
    from_: From = None,
    to: To = None,
) -> CostRead:
    return await costs_service.partnership_cost(
        session, request.app.state.landscape, partnership_id, from_, to, today(request)
    )


@router.get("/areas/{area}", operation_id="costs_area")
async def area_cost(
    area: str,
    request: Request,
    session: SessionDep,
    caller: Reader,
    from_: From = None,
    to: To = None,
) -> CostRead:
    """The partnerships of an area (id or GSS code, with the areas inside it)."""
    return await costs_service.area_cost(
        session, request.app.state.landscape, area, from_, to, today(request)
    )


@router.get("/people/{person_id}", operation_id="costs_person")
async def person_cost(
    person_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    caller: Reader,
    from_: From = None,
    to: To = None,
) -> CostRead:
    """A person's meeting time; shown only to their own organisation and to administrators."""
    return await costs_service.person_cost(
        session, request.app.state.landscape, person_id, caller, from_, to, today(request)
    )


@router.get("/organisations/{organisation_id}", operation_id="costs_organisation")
async def organisation_cost(
    organisation_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    caller: Reader,
    from_: From = None,
    to: To = None,
) -> CostRead:
    """The meeting time of the people who attended for an organisation."""
    return await costs_service.organisation_cost(
        session, request.app.state.landscape, organisation_id, from_, to, today(request)
    )
