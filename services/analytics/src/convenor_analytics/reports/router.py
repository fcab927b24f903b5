from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from convenor_analytics.deps import From, Reader, To, api_router, today
from convenor_analytics.reports import service as reports_service
from convenor_shared.routing import SessionDep

router = api_router("/v1/reports", "reports")


@router.get(
    "/landscape-review",
    operation_id="reports_landscape_review",
    response_class=Response,
    responses={
        200: {"content": {"text/html": {}, "text/markdown": {}}, "description": "The report"}
    },
)
async def landscape_review(
    request: Request,
    session: SessionDep,
    caller: Reader,
    area: Annotated[str, Query(min_length=1, max_length=64, description="Area id or GSS code")],
    format: Literal["html", "md"] = "html",
    from_: From = None,
    to: To = None,
) -> Response:
    """The periodic landscape review (Rec 4): the map, costs, merge candidates, reviews due,
    talking shops, overdue actions, data sharing, and recommendations with their evidence."""
    text = await reports_service.landscape_review(
        session, request.app.state.landscape, area, format, from_, to, today(request)
    )
    if format == "html":
        return HTMLResponse(text)
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")
