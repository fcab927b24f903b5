from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, Request, Response

from convenor_registry.areas import service as areas_service
from convenor_registry.areas.schemas import AreaCreate, AreaRead, AreaUpdate
from convenor_registry.deps import Reader, Writer, api_router
from convenor_registry.vocabularies import AreaClassification
from convenor_shared.concurrency import check_if_match, etag_of, set_etag
from convenor_shared.pagination import Page, PageDep
from convenor_shared.routing import SessionDep

router = api_router("/v1/areas", "areas")


@router.get("", operation_id="areas_list")
async def list_areas(
    session: SessionDep,
    caller: Reader,
    page: PageDep,
    classification: AreaClassification | None = None,
    gss_code: Annotated[str | None, Query(max_length=16)] = None,
    parent_id: uuid.UUID | None = None,
) -> Page[AreaRead]:
    """Reference areas: police force areas, local authorities and others."""
    rows, cursor = await areas_service.list_areas(
        session, page, classification=classification, gss_code=gss_code, parent_id=parent_id
    )
    return Page(items=[AreaRead.model_validate(r) for r in rows], next_cursor=cursor)


@router.post("", status_code=201, operation_id="areas_create")
async def create_area(
    body: AreaCreate, session: SessionDep, caller: Writer, response: Response
) -> AreaRead:
    """Add an area (administrators only: areas are reference data)."""
    area = await areas_service.create(session, body, caller)
    set_etag(response, etag_of(area.version, area.id))
    return AreaRead.model_validate(area)


@router.get("/{area_id}", operation_id="areas_get")
async def get_area(
    area_id: uuid.UUID, session: SessionDep, caller: Reader, response: Response
) -> AreaRead:
    area = await areas_service.get(session, area_id)
    set_etag(response, etag_of(area.version, area.id))
    return AreaRead.model_validate(area)


@router.patch("/{area_id}", operation_id="areas_update")
async def update_area(
    area_id: uuid.UUID,
    body: AreaUpdate,
    session: SessionDep,
    caller: Writer,
    request: Request,
    response: Response,
) -> AreaRead:
    area = await areas_service.get(session, area_id)
    check_if_match(request, etag_of(area.version, area.id))
    area = await areas_service.update(session, area, body, caller)
    set_etag(response, etag_of(area.version, area.id))
    return AreaRead.model_validate(area)
