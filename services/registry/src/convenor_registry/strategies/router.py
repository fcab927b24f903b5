from __future__ import annotations

import uuid

from fastapi import Request, Response

from convenor_registry.deps import Reader, Writer, api_router
from convenor_registry.strategies import service as strategies_service
from convenor_registry.strategies.schemas import (
    PriorityCreate,
    PriorityRead,
    PriorityUpdate,
    StrategyCreate,
    StrategyRead,
    StrategyUpdate,
)
from convenor_registry.vocabularies import StrategyKind
from convenor_shared.concurrency import check_if_match, etag_of, set_etag
from convenor_shared.pagination import Page, PageDep
from convenor_shared.routing import SessionDep

router = api_router("/v1", "strategies")


@router.get("/strategies", operation_id="strategies_list")
async def list_strategies(
    session: SessionDep,
    caller: Reader,
    page: PageDep,
    kind: StrategyKind | None = None,
    owner_partnership_id: uuid.UUID | None = None,
    owner_organisation_id: uuid.UUID | None = None,
) -> Page[StrategyRead]:
    rows, cursor = await strategies_service.list_strategies(
        session,
        page,
        kind=kind,
        owner_partnership_id=owner_partnership_id,
        owner_organisation_id=owner_organisation_id,
    )
    return Page(items=[StrategyRead.model_validate(r) for r in rows], next_cursor=cursor)


@router.post("/strategies", status_code=201, operation_id="strategies_create")
async def create_strategy(
    body: StrategyCreate, session: SessionDep, caller: Writer, response: Response
) -> StrategyRead:
    strategy = await strategies_service.create(session, body, caller)
    set_etag(response, etag_of(strategy.version, strategy.id))
    return StrategyRead.model_validate(strategy)


@router.get("/strategies/{strategy_id}", operation_id="strategies_get")
async def get_strategy(
    strategy_id: uuid.UUID, session: SessionDep, caller: Reader, response: Response
) -> StrategyRead:
    strategy = await strategies_service.get(session, strategy_id)
    set_etag(response, etag_of(strategy.version, strategy.id))
    return StrategyRead.model_validate(strategy)


@router.patch("/strategies/{strategy_id}", operation_id="strategies_update")
async def update_strategy(
    strategy_id: uuid.UUID,
    body: StrategyUpdate,
    session: SessionDep,
    caller: Writer,
    request: Request,
    response: Response,
) -> StrategyRead:
    strategy = await strategies_service.get(session, strategy_id)
    check_if_match(request, etag_of(strategy.version, strategy.id))
    strategy = await strategies_service.update(session, strategy, body, caller)
    set_etag(response, etag_of(strategy.version, strategy.id))
    return StrategyRead.model_validate(strategy)


@router.delete("/strategies/{strategy_id}", status_code=204, operation_id="strategies_delete")
async def delete_strategy(
    strategy_id: uuid.UUID, session: SessionDep, caller: Writer, request: Request
) -> Response:
    strategy = await strategies_service.get(session, strategy_id)
    check_if_match(request, etag_of(strategy.version, strategy.id))
    await strategies_service.delete(session, strategy, caller)
    return Response(status_code=204)


@router.get("/strategies/{strategy_id}/priorities", operation_id="priorities_list")
async def list_priorities(
    strategy_id: uuid.UUID, session: SessionDep, caller: Reader
) -> list[PriorityRead]:
    strategy = await strategies_service.get(session, strategy_id)
    rows = await strategies_service.list_priorities(session, strategy)
    return [PriorityRead.model_validate(r) for r in rows]


@router.post(
    "/strategies/{strategy_id}/priorities", status_code=201, operation_id="priorities_create"
)
async def create_priority(
    strategy_id: uuid.UUID, body: PriorityCreate, session: SessionDep, caller: Writer
) -> PriorityRead:
    strategy = await strategies_service.get(session, strategy_id)
    priority = await strategies_service.add_priority(session, strategy, body, caller)
    return PriorityRead.model_validate(priority)


@router.get("/priorities/{priority_id}", operation_id="priorities_get")
async def get_priority(
    priority_id: uuid.UUID, session: SessionDep, caller: Reader, response: Response
) -> PriorityRead:
    priority = await strategies_service.get_priority(session, priority_id)
    set_etag(response, etag_of(priority.version, priority.id))
    return PriorityRead.model_validate(priority)


@router.patch("/priorities/{priority_id}", operation_id="priorities_update")
async def update_priority(
    priority_id: uuid.UUID,
    body: PriorityUpdate,
    session: SessionDep,
    caller: Writer,
    request: Request,
    response: Response,
) -> PriorityRead:
    priority = await strategies_service.get_priority(session, priority_id)
    check_if_match(request, etag_of(priority.version, priority.id))
    priority = await strategies_service.update_priority(session, priority, body, caller)
    set_etag(response, etag_of(priority.version, priority.id))
    return PriorityRead.model_validate(priority)


@router.delete("/priorities/{priority_id}", status_code=204, operation_id="priorities_delete")
async def delete_priority(
    priority_id: uuid.UUID, session: SessionDep, caller: Writer, request: Request
) -> Response:
    priority = await strategies_service.get_priority(session, priority_id)
    check_if_match(request, etag_of(priority.version, priority.id))
    await strategies_service.delete_priority(session, priority, caller)
    return Response(status_code=204)
