from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, Request, Response

from convenor_registry.deps import Reader, Writer, api_router
from convenor_registry.organisations import service as organisations_service
from convenor_registry.organisations.schemas import (
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
)
from convenor_registry.vocabularies import OrganisationClassification
from convenor_shared.concurrency import check_if_match, etag_of, set_etag
from convenor_shared.pagination import Page, PageDep
from convenor_shared.routing import SessionDep

router = api_router("/v1/organisations", "organisations")


@router.get("", operation_id="organisations_list")
async def list_organisations(
    session: SessionDep,
    caller: Reader,
    page: PageDep,
    classification: OrganisationClassification | None = None,
    area: Annotated[str | None, Query(max_length=64, description="Area id or GSS code")] = None,
    name: Annotated[str | None, Query(max_length=100, description="Part of the name")] = None,
) -> Page[OrganisationRead]:
    rows, cursor = await organisations_service.list_organisations(
        session, page, classification=classification, area=area, name=name
    )
    return Page(items=await organisations_service.read_many(session, rows), next_cursor=cursor)


@router.post("", status_code=201, operation_id="organisations_create")
async def create_organisation(
    body: OrganisationCreate, session: SessionDep, caller: Writer, response: Response
) -> OrganisationRead:
    organisation = await organisations_service.create(session, body, caller)
    set_etag(response, etag_of(organisation.version, organisation.id))
    return await organisations_service.read(session, organisation)


@router.get("/{organisation_id}", operation_id="organisations_get")
async def get_organisation(
    organisation_id: uuid.UUID, session: SessionDep, caller: Reader, response: Response
) -> OrganisationRead:
    organisation = await organisations_service.get(session, organisation_id)
    set_etag(response, etag_of(organisation.version, organisation.id))
    return await organisations_service.read(session, organisation)


@router.patch("/{organisation_id}", operation_id="organisations_update")
async def update_organisation(
    organisation_id: uuid.UUID,
    body: OrganisationUpdate,
    session: SessionDep,
    caller: Writer,
    request: Request,
    response: Response,
) -> OrganisationRead:
    organisation = await organisations_service.get(session, organisation_id)
    check_if_match(request, etag_of(organisation.version, organisation.id))
    organisation = await organisations_service.update(session, organisation, body, caller)
    set_etag(response, etag_of(organisation.version, organisation.id))
    return await organisations_service.read(session, organisation)


@router.delete("/{organisation_id}", status_code=204, operation_id="organisations_delete")
async def delete_organisation(
    organisation_id: uuid.UUID, session: SessionDep, caller: Writer, request: Request
) -> Response:
    organisation = await organisations_service.get(session, organisation_id)
    check_if_match(request, etag_of(organisation.version, organisation.id))
    await organisations_service.delete(session, organisation, caller)
    return Response(status_code=204)
