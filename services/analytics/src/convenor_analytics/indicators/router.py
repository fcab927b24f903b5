from __future__ import annotations

from fastapi import Request, Response

from convenor_analytics.deps import Area, From, PartnershipParam, Reader, To, api_router, today
from convenor_analytics.indicators import service as indicators_service
from convenor_analytics.indicators.schemas import IndicatorCatalogue, IndicatorValue
from convenor_shared.routing import SessionDep

router = api_router("/v1/indicators", "indicators")


@router.get("", operation_id="indicators_list")
async def list_indicators(request: Request, caller: Reader) -> IndicatorCatalogue:
    """The catalogue: each indicator's id, name, definition, unit, recommendation, parameters."""
    return indicators_service.catalogue(request.app.state.landscape.parameters)


@router.get("/{indicator}", operation_id="indicators_get", response_model=IndicatorValue)
async def get_indicator(
    indicator: str,
    request: Request,
    session: SessionDep,
    caller: Reader,
    area: Area = None,
    partnership: PartnershipParam = None,
    from_: From = None,
    to: To = None,
) -> Response:
    """One indicator over an area (and the areas inside it), a partnership, and a window
    (default: the trailing 12 months)."""
    body = await indicators_service.value(
        session,
        request.app.state.landscape,
        indicator,
        area=area,
        partnership=partnership,
        start=from_,
        end=to,
        today=today(request),
    )
    return Response(body, media_type="application/json")
