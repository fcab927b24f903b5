from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, Request, Response

from convenor_registry.deps import Reader, Writer, api_router
from convenor_registry.partnerships import service as partnerships_service
from convenor_registry.partnerships.schemas import (
    PartnershipCreate,
    PartnershipRead,
    PartnershipUpdate,
    RelationCreate,
    RelationRead,
    TermsOfReferenceCreate,
    TermsOfReferenceRead,
)
from convenor_registry.vocabularies import PartnershipStatus, PartnershipType, Theme
from convenor_shared.concurrency import check_if_match, etag_of, set_etag
from convenor_shared.pagination import Page, PageDep
from convenor_shared.responses import model_response
from convenor_shared.routing import SessionDep

router = api_router("/v1/partnerships", "partnerships")


@router.get("", operation_id="partnerships_list")
async def list_partnerships(
    session: SessionDep,
    caller: Reader,
    page: PageDep,
    area: Annotated[
        str | None,
        Query(max_length=64, description="Area id or GSS code; includes areas within it"),
    ] = None,
    type: PartnershipType | None = None,
    status: PartnershipStatus | None = None,
    theme: Theme | None = None,
    parent_id: uuid.UUID | None = None,
) -> Page[PartnershipRead]:
    rows, cursor = await partnerships_service.list_partnerships(
        session, page, area=area, type=type, status=status, theme=theme, parent_id=parent_id
    )
    return Page(items=await partnerships_service.read_many(session, rows), next_cursor=cursor)


@router.post("", status_code=201, operation_id="partnerships_create")
async def create_partnership(
    body: PartnershipCreate, session: SessionDep, caller: Writer, response: Response
) -> PartnershipRead:
    partnership = await partnerships_service.create(session, body, caller)
    set_etag(response, etag_of(partnership.version, partnership.id))
    return await partnerships_service.read(session, partnership)


@router.get("/{partnership_id}", operation_id="partnerships_get", response_model=PartnershipRead)
async def get_partnership(
    partnership_id: uuid.UUID, session: SessionDep, caller: Reader
) -> Response:
    # The hottest read: serialised once by its own model, not validated again by FastAPI.
    partnership = await partnerships_service.read_by_id(session, partnership_id)
    return model_response(
        partnership, headers={"ETag": etag_of(partnership.version, partnership.id)}
    )


@router.patch("/{partnership_id}", operation_id="partnerships_update")
async def update_partnership(
    partnership_id: uuid.UUID,
    body: PartnershipUpdate,
    session: SessionDep,
    caller: Writer,
    request: Request,
    response: Response,
) -> PartnershipRead:
    partnership = await partnerships_service.get(session, partnership_id)
    check_if_match(request, etag_of(partnership.version, partnership.id))
    partnership = await partnerships_service.update(session, partnership, body, caller)
    set_etag(response, etag_of(partnership.version, partnership.id))
    return await partnerships_service.read(session, partnership)


@router.delete("/{partnership_id}", status_code=204, operation_id="partnerships_delete")
async def delete_partnership(
    partnership_id: uuid.UUID, session: SessionDep, caller: Writer, request: Request
) -> Response:
    partnership = await partnerships_service.get(session, partnership_id)
    check_if_match(request, etag_of(partnership.version, partnership.id))
    await partnerships_service.delete(session, partnership, caller)
    return Response(status_code=204)


@router.get("/{partnership_id}/relations", operation_id="partnership_relations_list")
async def list_relations(
    partnership_id: uuid.UUID, session: SessionDep, caller: Reader
) -> list[RelationRead]:
    """Typed, dated relations from and to this partnership."""
    partnership = await partnerships_service.get(session, partnership_id)
    rows = await partnerships_service.list_relations(session, partnership)
    return [RelationRead.model_validate(row) for row in rows]


@router.post(
    "/{partnership_id}/relations", status_code=201, operation_id="partnership_relations_create"
)
async def create_relation(
    partnership_id: uuid.UUID, body: RelationCreate, session: SessionDep, caller: Writer
) -> RelationRead:
    partnership = await partnerships_service.get(session, partnership_id)
    relation = await partnerships_service.add_relation(session, partnership, body, caller)
    return RelationRead.model_validate(relation)


@router.delete(
    "/{partnership_id}/relations/{relation_id}",
    status_code=204,
    operation_id="partnership_relations_delete",
)
async def delete_relation(
    partnership_id: uuid.UUID, relation_id: uuid.UUID, session: SessionDep, caller: Writer
) -> Response:
    partnership = await partnerships_service.get(session, partnership_id)
    await partnerships_service.remove_relation(session, partnership, relation_id, caller)
    return Response(status_code=204)


@router.get(
    "/{partnership_id}/terms-of-reference", operation_id="partnership_terms_of_reference_list"
)
async def list_terms(
    partnership_id: uuid.UUID, session: SessionDep, caller: Reader
) -> list[TermsOfReferenceRead]:
    """Every version of the terms of reference, newest first."""
    partnership = await partnerships_service.get(session, partnership_id)
    rows = await partnerships_service.list_terms(session, partnership)
    return [TermsOfReferenceRead.model_validate(row) for row in rows]


@router.post(
    "/{partnership_id}/terms-of-reference",
    status_code=201,
    operation_id="partnership_terms_of_reference_create",
)
async def create_terms(
    partnership_id: uuid.UUID, body: TermsOfReferenceCreate, session: SessionDep, caller: Writer
) -> TermsOfReferenceRead:
    """Adopt a new version of the terms of reference."""
    partnership = await partnerships_service.get(session, partnership_id)
    terms = await partnerships_service.add_terms(session, partnership, body, caller)
    return TermsOfReferenceRead.model_validate(terms)
