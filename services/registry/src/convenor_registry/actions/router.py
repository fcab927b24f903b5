from __future__ import annotations

import uuid

from fastapi import Request, Response

from convenor_registry.actions import service as actions_service
from convenor_registry.actions.schemas import (
    ActionCreate,
    ActionRead,
    ActionUpdate,
    ActionUpdateNote,
)
from convenor_registry.deps import Reader, Writer, api_router
from convenor_registry.meetings import service as meetings_service
from convenor_registry.partnerships import service as partnerships_service
from convenor_registry.vocabularies import ActionStatus
from convenor_shared.concurrency import check_if_match, etag_of, set_etag
from convenor_shared.pagination import Page, PageDep
from convenor_shared.routing import SessionDep

router = api_router("/v1", "actions")


@router.get("/actions", operation_id="actions_list")
async def list_actions(
    session: SessionDep,
    caller: Reader,
    page: PageDep,
    status: ActionStatus | None = None,
    owner_organisation_id: uuid.UUID | None = None,
    partnership_id: uuid.UUID | None = None,
    overdue: bool | None = None,
) -> Page[ActionRead]:
    """The action log across partnerships; ``overdue=true`` gives open actions past due."""
    rows, cursor = await actions_service.list_actions(
        session,
        page,
        status=status,
        owner_organisation_id=owner_organisation_id,
        partnership_id=partnership_id,
        overdue=overdue,
    )
    return Page(items=[actions_service.read(r) for r in rows], next_cursor=cursor)


@router.get("/meetings/{meeting_id}/actions", operation_id="meeting_actions_list")
async def list_meeting_actions(
    meeting_id: uuid.UUID, session: SessionDep, caller: Reader, page: PageDep
) -> Page[ActionRead]:
    meeting = await meetings_service.get(session, meeting_id)
    rows, cursor = await actions_service.list_actions(session, page, meeting_id=meeting.id)
    return Page(items=[actions_service.read(r) for r in rows], next_cursor=cursor)


@router.post(
    "/meetings/{meeting_id}/actions", status_code=201, operation_id="meeting_actions_create"
)
async def create_meeting_action(
    meeting_id: uuid.UUID, body: ActionCreate, session: SessionDep, caller: Writer
) -> ActionRead:
    meeting = await meetings_service.get(session, meeting_id)
    return actions_service.read(
        await actions_service.create_for_meeting(session, meeting, body, caller)
    )


@router.post(
    "/partnerships/{partnership_id}/actions",
    status_code=201,
    operation_id="partnership_actions_create",
)
async def create_partnership_action(
    partnership_id: uuid.UUID, body: ActionCreate, session: SessionDep, caller: Writer
) -> ActionRead:
    """An action of the partnership outside a meeting (a review's follow-up, say)."""
    partnership = await partnerships_service.get(session, partnership_id)
    return actions_service.read(await actions_service.create(session, partnership, body, caller))


@router.get("/actions/{action_id}", operation_id="actions_get")
async def get_action(
    action_id: uuid.UUID, session: SessionDep, caller: Reader, response: Response
) -> ActionRead:
    action = await actions_service.get(session, action_id)
    set_etag(response, etag_of(action.version, action.id))
    return actions_service.read(action)


@router.patch("/actions/{action_id}", operation_id="actions_update")
async def update_action(
    action_id: uuid.UUID,
    body: ActionUpdate,
    session: SessionDep,
    caller: Writer,
    request: Request,
    response: Response,
) -> ActionRead:
    action = await actions_service.get(session, action_id)
    check_if_match(request, etag_of(action.version, action.id))
    action = await actions_service.update(session, action, body, caller)
    set_etag(response, etag_of(action.version, action.id))
    return actions_service.read(action)


@router.post(
    "/actions/{action_id}/updates",
    operation_id="action_updates_create",
    openapi_extra={"x-idempotency-key": "optional"},
)
async def add_action_update(
    action_id: uuid.UUID, body: ActionUpdateNote, session: SessionDep, caller: Writer
) -> ActionRead:
    """Append a progress note to the action."""
    action = await actions_service.get(session, action_id)
    return actions_service.read(await actions_service.add_note(session, action, body.text, caller))


@router.delete("/actions/{action_id}", status_code=204, operation_id="actions_delete")
async def delete_action(
    action_id: uuid.UUID, session: SessionDep, caller: Writer, request: Request
) -> Response:
    action = await actions_service.get(session, action_id)
    check_if_match(request, etag_of(action.version, action.id))
    await actions_service.delete(session, action, caller)
    return Response(status_code=204)
