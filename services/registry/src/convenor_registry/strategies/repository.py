from __future__ import annotations

import uuid

from sqlalchemy import Select, select

from convenor_registry.models import Priority, Strategy


def list_query(
    *,
    kind: str | None,
    owner_partnership_id: uuid.UUID | None,
    owner_organisation_id: uuid.UUID | None,
    after: uuid.UUID | None,
    limit: int,
) -> Select[Strategy]:
    query = select(Strategy).where(Strategy.deleted_at.is_(None))
    if kind:
        query = query.where(Strategy.kind == kind)
    if owner_partnership_id:
        query = query.where(Strategy.owner_partnership_id == owner_partnership_id)
    if owner_organisation_id:
        query = query.where(Strategy.owner_organisation_id == owner_organisation_id)
    if after:
        query = query.where(Strategy.id > after)
    return query.order_by(Strategy.id).limit(limit + 1)


def priorities_of(strategy_id: uuid.UUID) -> Select[Priority]:
    return (
        select(Priority)
        .where(Priority.strategy_id == strategy_id, Priority.deleted_at.is_(None))
        .order_by(Priority.position, Priority.id)
    )


def pcp_priorities(ids: list[uuid.UUID]) -> Select[Priority]:
    return (
        select(Priority)
        .join(Strategy, Strategy.id == Priority.strategy_id)
        .where(
            Priority.id.in_(ids),
            Priority.deleted_at.is_(None),
            Strategy.kind == "police_and_crime_plan",
        )
    )
