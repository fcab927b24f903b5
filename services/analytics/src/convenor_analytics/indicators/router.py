from __future__ import annotations

from fastapi import APIRouter, Request, Response

from convenor_analytics.deps import Area, From, PartnershipParam, Reader, To, today
from convenor_analytics.indicators import service as indicators_service
from convenor_analytics.indicators.schemas import IndicatorCatalogue, IndicatorValue
from convenor_shared.problems import PROBLEM_RESPONSES

# Indicator reads are served from the per-generation cache and write nothing, so they run
# without a request transaction; the cache opens its own short session when it must check
# whether a sync moved the read model on.
router = APIRouter(prefix="/v1/indicators", tags=["indicators"], responses=PROBLEM_RESPONSES)


@router.get("", operation_id="indicators_list")
async def list_indicators(request: Request, caller: Reader) -> IndicatorCatalogue:
    """The catalogue: each indicator's id, name, definition, unit, recommendation, parameters."""
    return indicators_service.catalogue(request.app.state.landscape.parameters)


@router.get("/{indicator}", operation_id="indicators_get", response_model=IndicatorValue)
async def get_indicator(
    indicator: str,
    request: Request,
    caller: Reader,
    area: Area = None,
    partnership: PartnershipParam = None,
    from_: From = None,
    to: To = None,
) -> Response:
    """One indicator over an area (and the areas inside it), a partnership, and a window
    (default: the trailing 12 months)."""
    body = await indicators_service.value(
        request.app.state.database,
        request.app.state.landscape,
        indicator,
        area=area,
        partnership=partnership,
        start=from_,
        end=to,
        today=today(request),
    )
    return Response(body, media_type="application/json")
