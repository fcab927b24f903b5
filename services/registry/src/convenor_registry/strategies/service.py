"""Strategies and their priorities, and how priorities align to the Police and Crime Plan."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry import records
from convenor_registry.models import Priority, Strategy
from convenor_registry.organisations import service as organisations_service
from convenor_registry.partnerships import service as partnerships_service
from convenor_registry.permissions import NotYours, can_manage
from convenor_registry.strategies import repository
from convenor_registry.strategies.schemas import (
    PriorityCreate,
    PriorityRead,
    PriorityUpdate,
    StrategyCreate,
    StrategyRead,
    StrategyUpdate,
)
from convenor_shared.auth import Caller
from convenor_shared.pagination import PageParams, page_of
from convenor_shared.problems import NotFound, RuleBroken


class StrategyNotFound(NotFound):
    """There is no strategy with that id."""

    slug = "strategy-not-found"


class PriorityNotFound(NotFound):
    """There is no priority with that id."""

    slug = "priority-not-found"


async def _serialise(session: AsyncSession, strategy: Strategy) -> dict[str, Any]:
    return StrategyRead.model_validate(strategy).model_dump(mode="json")


async def _serialise_priority(session: AsyncSession, priority: Priority) -> dict[str, Any]:
    return PriorityRead.model_validate(priority).model_dump(mode="json")


ENTITY = records.Entity("strategy", Strategy, StrategyNotFound, _serialise)
PRIORITY = records.Entity("priority", Priority, PriorityNotFound, _serialise_priority)


async def get(session: AsyncSession, strategy_id: uuid.UUID) -> Strategy:
    return await records.get(session, ENTITY, strategy_id)


async def get_priority(session: AsyncSession, priority_id: uuid.UUID) -> Priority:
    return await records.get(session, PRIORITY, priority_id)


async def _ensure_can_manage(session: AsyncSession, strategy: Strategy, by: Caller) -> None:
    """The strategy's manager, its owning organisation, or its owning partnership's stewards."""
    if can_manage(by, strategy) or (
        strategy.owner_organisation_id is not None
        and strategy.owner_organisation_id == by.organisation_id
    ):
        return
    if strategy.owner_partnership_id is not None:
        partnership = await partnerships_service.get(session, strategy.owner_partnership_id)
        if can_manage(by, partnership):
            return
    raise NotYours("Your organisation does not manage this strategy.")


async def list_strategies(
    session: AsyncSession,
    page: PageParams,
    *,
    kind: str | None = None,
    owner_partnership_id: uuid.UUID | None = None,
    owner_organisation_id: uuid.UUID | None = None,
) -> tuple[list[Strategy], str | None]:
    query = repository.list_query(
        kind=kind,
        owner_partnership_id=owner_partnership_id,
        owner_organisation_id=owner_organisation_id,
        after=page.after_id(),
        limit=page.limit,
    )
    rows = list((await session.execute(query)).scalars())
    return page_of(rows, page.limit, lambda row: {"id": str(row.id)})


def _values(body: StrategyCreate | StrategyUpdate, *, unset: bool) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=unset)
    if values.get("url") is not None:
        values["url"] = str(values["url"])
    if values.get("joint_owner_ids") is not None:
        values["joint_owner_ids"] = [str(i) for i in dict.fromkeys(values["joint_owner_ids"])]
    return values


async def _check_owners(session: AsyncSession, values: dict[str, Any]) -> None:
    if values.get("owner_partnership_id"):
        await partnerships_service.get(session, values["owner_partnership_id"])
    if values.get("owner_organisation_id"):
        await organisations_service.get(session, values["owner_organisation_id"])
    if values.get("joint_owner_ids"):
        await organisations_service.get_many(
            session, [uuid.UUID(i) for i in values["joint_owner_ids"]]
        )


async def create(session: AsyncSession, body: StrategyCreate, by: Caller) -> Strategy:
    values = _values(body, unset=False)
    await _check_owners(session, values)
    return await records.add(session, ENTITY, values, by)


async def update(
    session: AsyncSession, strategy: Strategy, body: StrategyUpdate, by: Caller
) -> Strategy:
    await _ensure_can_manage(session, strategy, by)
    values = _values(body, unset=True)
    await _check_owners(session, values)
    return await records.change(session, ENTITY, strategy, values, by)


async def delete(session: AsyncSession, strategy: Strategy, by: Caller) -> None:
    await _ensure_can_manage(session, strategy, by)
    await records.remove(session, ENTITY, strategy, by)


async def list_priorities(session: AsyncSession, strategy: Strategy) -> list[Priority]:
    return list((await session.execute(repository.priorities_of(strategy.id))).scalars())


async def _check_priority(
    session: AsyncSession, strategy: Strategy, values: dict[str, Any], priority_id: uuid.UUID | None
) -> None:
    if values.get("parent_id"):
        parent = await get_priority(session, values["parent_id"])
        if parent.strategy_id != strategy.id or parent.id == priority_id:
            raise RuleBroken("parent_id must be another priority of the same strategy.")
    aligned = values.get("aligned_to_ids")
    if aligned:
        unique = list(dict.fromkeys(aligned))
        found = {p.id for p in (await session.execute(repository.pcp_priorities(unique))).scalars()}
        missing = [str(i) for i in unique if i not in found]
        if missing:
            raise RuleBroken(
                "aligned_to_ids must name priorities of a Police and Crime Plan: "
                + ", ".join(missing)
            )
        values["aligned_to_ids"] = [str(i) for i in unique]


async def add_priority(
    session: AsyncSession, strategy: Strategy, body: PriorityCreate, by: Caller
) -> Priority:
    await _ensure_can_manage(session, strategy, by)
    values = body.model_dump()
    await _check_priority(session, strategy, values, None)
    return await records.add(session, PRIORITY, values | {"strategy_id": strategy.id}, by)


async def update_priority(
    session: AsyncSession, priority: Priority, body: PriorityUpdate, by: Caller
) -> Priority:
    strategy = await get(session, priority.strategy_id)
    await _ensure_can_manage(session, strategy, by)
    values = body.model_dump(exclude_unset=True)
    await _check_priority(session, strategy, values, priority.id)
    return await records.change(session, PRIORITY, priority, values, by)


async def delete_priority(session: AsyncSession, priority: Priority, by: Caller) -> None:
    strategy = await get(session, priority.strategy_id)
    await _ensure_can_manage(session, strategy, by)
    await records.remove(session, PRIORITY, priority, by)
