from __future__ import annotations

import uuid

from fastapi import Request, Response

from convenor_registry.deps import Reader, Writer, api_router
from convenor_registry.memberships import service as memberships_service
from convenor_registry.memberships.schemas import MembershipCreate, MembershipRead, MembershipUpdate
from convenor_registry.partnerships import service as partnerships_service
from convenor_shared.concurrency import check_if_match, etag_of, set_etag
from convenor_shared.routing import SessionDep

router = api_router("/v1", "memberships")


@router.get("/partnerships/{partnership_id}/memberships", operation_id="memberships_list")
async def list_memberships(
    partnership_id: uuid.UUID, session: SessionDep, caller: Reader
) -> list[MembershipRead]:
    partnership = await partnerships_service.get(session, partnership_id)
    rows = await memberships_service.list_for(session, partnership)
    return [MembershipRead.model_validate(row) for row in rows]


@router.post(
    "/partnerships/{partnership_id}/memberships", status_code=201, operation_id="memberships_create"
)
async def create_membership(
    partnership_id: uuid.UUID,
    body: MembershipCreate,
    session: SessionDep,
    caller: Writer,
    response: Response,
) -> MembershipRead:
    partnership = await partnerships_service.get(session, partnership_id)
    membership = await memberships_service.create(session, partnership, body, caller)
    set_etag(response, etag_of(membership.version, membership.id))
    return MembershipRead.model_validate(membership)


@router.get("/memberships/{membership_id}", operation_id="memberships_get")
async def get_membership(
    membership_id: uuid.UUID, session: SessionDep, caller: Reader, response: Response
) -> MembershipRead:
    membership = await memberships_service.get(session, membership_id)
    set_etag(response, etag_of(membership.version, membership.id))
    return MembershipRead.model_validate(membership)


@router.patch("/memberships/{membership_id}", operation_id="memberships_update")
async def update_membership(
    membership_id: uuid.UUID,
    body: MembershipUpdate,
    session: SessionDep,
    caller: Writer,
    request: Request,
    response: Response,
) -> MembershipRead:
    membership = await memberships_service.get(session, membership_id)
    check_if_match(request, etag_of(membership.version, membership.id))
    membership = await memberships_service.update(session, membership, body, caller)
    set_etag(response, etag_of(membership.version, membership.id))
    return MembershipRead.model_validate(membership)


@router.delete("/memberships/{membership_id}", status_code=204, operation_id="memberships_delete")
async def delete_membership(
    membership_id: uuid.UUID, session: SessionDep, caller: Writer, request: Request
) -> Response:
    membership = await memberships_service.get(session, membership_id)
    check_if_match(request, etag_of(membership.version, membership.id))
    await memberships_service.delete(session, membership, caller)
    return Response(status_code=204)
