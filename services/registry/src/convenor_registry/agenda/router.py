from __future__ import annotations

import uuid

from fastapi import Request, Response

from convenor_registry.agenda import service as agenda_service
from convenor_registry.agenda.schemas import (
    AgendaItemCreate,
    AgendaItemRead,
    AgendaItemUpdate,
    DecisionCreate,
    DecisionRead,
    DecisionUpdate,
)
from convenor_registry.deps import Reader, Writer, api_router
from convenor_registry.meetings import service as meetings_service
from convenor_shared.concurrency import check_if_match, etag_of, set_etag
from convenor_shared.routing import SessionDep

router = api_router("/v1", "agenda")


@router.get("/meetings/{meeting_id}/agenda-items", operation_id="agenda_items_list")
async def list_items(
    meeting_id: uuid.UUID, session: SessionDep, caller: Reader
) -> list[AgendaItemRead]:
    meeting = await meetings_service.get(session, meeting_id)
    return [
        AgendaItemRead.model_validate(i) for i in await agenda_service.list_items(session, meeting)
    ]


@router.post(
    "/meetings/{meeting_id}/agenda-items", status_code=201, operation_id="agenda_items_create"
)
async def create_item(
    meeting_id: uuid.UUID, body: AgendaItemCreate, session: SessionDep, caller: Writer
) -> AgendaItemRead:
    meeting = await meetings_service.get(session, meeting_id)
    return AgendaItemRead.model_validate(
        await agenda_service.add_item(session, meeting, body, caller)
    )


@router.get("/agenda-items/{item_id}", operation_id="agenda_items_get")
async def get_item(
    item_id: uuid.UUID, session: SessionDep, caller: Reader, response: Response
) -> AgendaItemRead:
    item = await agenda_service.get_item(session, item_id)
    set_etag(response, etag_of(item.version, item.id))
    return AgendaItemRead.model_validate(item)


@router.patch("/agenda-items/{item_id}", operation_id="agenda_items_update")
async def update_item(
    item_id: uuid.UUID,
    body: AgendaItemUpdate,
    session: SessionDep,
    caller: Writer,
    request: Request,
    response: Response,
) -> AgendaItemRead:
    item = await agenda_service.get_item(session, item_id)
    check_if_match(request, etag_of(item.version, item.id))
    item = await agenda_service.update_item(session, item, body, caller)
    set_etag(response, etag_of(item.version, item.id))
    return AgendaItemRead.model_validate(item)


@router.delete("/agenda-items/{item_id}", status_code=204, operation_id="agenda_items_delete")
async def delete_item(
    item_id: uuid.UUID, session: SessionDep, caller: Writer, request: Request
) -> Response:
    item = await agenda_service.get_item(session, item_id)
    check_if_match(request, etag_of(item.version, item.id))
    await agenda_service.delete_item(session, item, caller)
    return Response(status_code=204)


@router.get("/meetings/{meeting_id}/decisions", operation_id="decisions_list")
async def list_decisions(
    meeting_id: uuid.UUID, session: SessionDep, caller: Reader
) -> list[DecisionRead]:
    meeting = await meetings_service.get(session, meeting_id)
    rows = await agenda_service.list_decisions(session, meeting)
    return [DecisionRead.model_validate(d) for d in rows]


@router.post("/meetings/{meeting_id}/decisions", status_code=201, operation_id="decisions_create")
async def create_decision(
    meeting_id: uuid.UUID, body: DecisionCreate, session: SessionDep, caller: Writer
) -> DecisionRead:
    meeting = await meetings_service.get(session, meeting_id)
    decision = await agenda_service.add_decision(session, meeting, body, caller)
    return DecisionRead.model_validate(decision)


@router.get("/decisions/{decision_id}", operation_id="decisions_get")
async def get_decision(
    decision_id: uuid.UUID, session: SessionDep, caller: Reader, response: Response
) -> DecisionRead:
    decision = await agenda_service.get_decision(session, decision_id)
    set_etag(response, etag_of(decision.version, decision.id))
    return DecisionRead.model_validate(decision)


@router.patch("/decisions/{decision_id}", operation_id="decisions_update")
async def update_decision(
    decision_id: uuid.UUID,
    body: DecisionUpdate,
    session: SessionDep,
    caller: Writer,
    request: Request,
    response: Response,
) -> DecisionRead:
    decision = await agenda_service.get_decision(session, decision_id)
    check_if_match(request, etag_of(decision.version, decision.id))
    decision = await agenda_service.update_decision(session, decision, body, caller)
    set_etag(response, etag_of(decision.version, decision.id))
    return DecisionRead.model_validate(decision)


@router.delete("/decisions/{decision_id}", status_code=204, operation_id="decisions_delete")
async def delete_decision(
    decision_id: uuid.UUID, session: SessionDep, caller: Writer, request: Request
) -> Response:
    decision = await agenda_service.get_decision(session, decision_id)
    check_if_match(request, etag_of(decision.version, decision.id))
    await agenda_service.delete_decision(session, decision, caller)
    return Response(status_code=204)
