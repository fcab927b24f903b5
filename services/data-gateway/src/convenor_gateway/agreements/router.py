from __future__ import annotations

import uuid

from fastapi import Request, Response

from convenor_gateway.agreements import service as agreements_service
from convenor_gateway.agreements.schemas import AgreementCreate, AgreementRead, AgreementUpdate
from convenor_gateway.deps import CatalogueDep, DirectoryDep, Partner, api_router
from convenor_gateway.vocabularies import AgreementStatus
from convenor_shared.concurrency import check_if_match, etag_of, set_etag
from convenor_shared.pagination import Page, PageDep
from convenor_shared.routing import SessionDep

router = api_router("/v1/agreements", "agreements")


@router.get("", operation_id="agreements_list")
async def list_agreements(
    session: SessionDep, caller: Partner, page: PageDep, status: AgreementStatus | None = None
) -> Page[AgreementRead]:
    """The agreements your organisation is a party to."""
    rows, cursor = await agreements_service.list_agreements(session, caller, page, status)
    return Page(items=[AgreementRead.model_validate(r) for r in rows], next_cursor=cursor)


@router.post("", status_code=201, operation_id="agreements_create")
async def create_agreement(
    body: AgreementCreate,
    session: SessionDep,
    caller: Partner,
    directory: DirectoryDep,
    catalogue: CatalogueDep,
    response: Response,
) -> AgreementRead:
    agreement = await agreements_service.create(session, directory, catalogue, body, caller)
    set_etag(response, etag_of(agreement.version, agreement.id))
    return AgreementRead.model_validate(agreement)


@router.get("/{agreement_id}", operation_id="agreements_get")
async def get_agreement(
    agreement_id: uuid.UUID, session: SessionDep, caller: Partner, response: Response
) -> AgreementRead:
    agreement = await agreements_service.get(session, caller, agreement_id)
    set_etag(response, etag_of(agreement.version, agreement.id))
    return AgreementRead.model_validate(agreement)


@router.patch("/{agreement_id}", operation_id="agreements_update")
async def update_agreement(
    agreement_id: uuid.UUID,
    body: AgreementUpdate,
    session: SessionDep,
    caller: Partner,
    directory: DirectoryDep,
    catalogue: CatalogueDep,
    request: Request,
    response: Response,
) -> AgreementRead:
    agreement = await agreements_service.get(session, caller, agreement_id, for_change=True)
    check_if_match(request, etag_of(agreement.version, agreement.id))
    agreement = await agreements_service.update(
        session, directory, catalogue, agreement, body, caller
    )
    set_etag(response, etag_of(agreement.version, agreement.id))
    return AgreementRead.model_validate(agreement)


@router.delete("/{agreement_id}", status_code=204, operation_id="agreements_delete")
async def delete_agreement(
    agreement_id: uuid.UUID, session: SessionDep, caller: Partner, request: Request
) -> Response:
    """Delete a draft agreement (others are terminated by a status change)."""
    agreement = await agreements_service.get(session, caller, agreement_id, for_change=True)
    check_if_match(request, etag_of(agreement.version, agreement.id))
    await agreements_service.delete(session, agreement, caller)
    return Response(status_code=204)
