from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response

from convenor_registry.deps import Reader, api_router
from convenor_registry.landscape import formats
from convenor_registry.landscape import service as landscape_service
from convenor_registry.landscape.schemas import Landscape
from convenor_shared.routing import SessionDep

router = api_router("/v1", "landscape")

AreaQuery = Annotated[
    str, Query(max_length=64, description="Area id or GSS code; includes areas within it")
]
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON by default; GraphML or Mermaid by Accept or format",
        "content": {
            formats.GRAPHML: {"schema": {"type": "string"}},
            formats.MERMAID: {"schema": {"type": "string"}},
        },
    }
}


def _format(request: Request, asked: str | None) -> str:
    if asked:
        return asked
    accept = request.headers.get("accept", "")
    for name, media_type in formats.FORMATS.items():
        if media_type in accept:
            return name
    return "json"


@router.get(
    "/landscape", operation_id="landscape_get", response_model=Landscape, responses=RESPONSES
)
async def get_landscape(
    request: Request,
    session: SessionDep,
    caller: Reader,
    area: AreaQuery,
    format: Literal["json", "graphml", "mermaid"] | None = None,
) -> Any:
    """The partnerships of an area as a graph: hierarchy (``parent``), typed relations, and
    edges between partnerships that share members (weight and Jaccard). JSON by default;
    GraphML (``Accept: application/graphml+xml`` or ``format=graphml``) for networkx and Gephi;
    a Mermaid flowchart (``Accept: text/vnd.mermaid`` or ``format=mermaid``)."""
    landscape = await landscape_service.landscape(session, area)
    chosen = _format(request, format)
    if chosen == "graphml":
        return Response(formats.to_graphml(landscape), media_type=formats.GRAPHML)
    if chosen == "mermaid":
        return Response(formats.to_mermaid(landscape), media_type=formats.MERMAID)
    return landscape
