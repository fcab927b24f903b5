from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.models import (
    Area,
    Partnership,
    PartnershipArea,
    PartnershipRelation,
    TermsOfReference,
)
from convenor_shared.db import json_array_contains
from convenor_shared.fastpath import RowQuery


async def area_and_descendants(session: AsyncSession, area_id: uuid.UUID) -> list[uuid.UUID]:
    """An area and the areas inside it (a force area's local authorities, and theirs)."""
    found = [area_id]
    frontier = [area_id]
    for _ in range(4):
        children = list(
            (
                await session.execute(
                    select(Area.id).where(Area.parent_id.in_(frontier), Area.deleted_at.is_(None))
                )
            ).scalars()
        )
        if not children:
            break
        found.extend(children)
        frontier = children
    return found


def list_query(
    *,
    dialect: str,
    area_ids: Sequence[uuid.UUID] | None,
    type: str | None,
    status: str | None,
    theme: str | None,
    parent_id: uuid.UUID | None,
    after: uuid.UUID | None,
    limit: int,
) -> Select[Partnership]:
    query = select(Partnership).where(Partnership.deleted_at.is_(None))
    if area_ids is not None:
        query = query.where(
            Partnership.id.in_(
                select(PartnershipArea.partnership_id).where(PartnershipArea.area_id.in_(area_ids))
            )
        )
    if type:
        query = query.where(Partnership.type == type)
    if status:
        query = query.where(Partnership.status == status)
    if theme:
        query = query.where(json_array_contains(Partnership.themes, theme, dialect))
    if parent_id:
        query = query.where(Partnership.parent_id == parent_id)
    if after:
        query = query.where(Partnership.id > after)
    return query.order_by(Partnership.id).limit(limit + 1)


def _with_footprint(dialect: str) -> Select[Any]:
    """A partnership and its footprint in one round trip, by a bound ``partnership_id``."""
    aggregate = func.json_agg if dialect == "postgresql" else func.json_group_array
    footprint = (
        select(aggregate(PartnershipArea.area_id))
        .where(PartnershipArea.partnership_id == Partnership.id)
        .scalar_subquery()
    )
    return select(Partnership.__table__, footprint.label("footprint")).where(
        Partnership.id == bindparam("partnership_id"), Partnership.deleted_at.is_(None)
    )


# The lean read path of GET /v1/partnerships/{id}: built once per dialect (constructing a
# statement from ORM attributes costs more than running it), run on the driver connection.
WITH_FOOTPRINT = RowQuery(_with_footprint)


async def footprints(
    session: AsyncSession, partnership_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    result: dict[uuid.UUID, list[uuid.UUID]] = {pid: [] for pid in partnership_ids}
    if not partnership_ids:
        return result
    rows = await session.execute(
        select(PartnershipArea.partnership_id, PartnershipArea.area_id)
        .where(PartnershipArea.partnership_id.in_(partnership_ids))
        .order_by(PartnershipArea.area_id)
    )
    for partnership_id, area_id in rows:
        result[partnership_id].append(area_id)
    return result


async def set_footprint(
    session: AsyncSession, partnership_id: uuid.UUID, area_ids: Sequence[uuid.UUID]
) -> None:
    await session.execute(
        delete(PartnershipArea).where(PartnershipArea.partnership_id == partnership_id)
    )
    if area_ids:
        await session.execute(
            insert(PartnershipArea),
            [{"partnership_id": partnership_id, "area_id": area_id} for area_id in area_ids],
        )


def relations_of(partnership_id: uuid.UUID) -> Select[PartnershipRelation]:
    return (
        select(PartnershipRelation)
        .where(
            or_(
                PartnershipRelation.partnership_id == partnership_id,
                PartnershipRelation.related_partnership_id == partnership_id,
            ),
            PartnershipRelation.deleted_at.is_(None),
        )
        .order_by(PartnershipRelation.id)
    )


def terms_of(partnership_id: uuid.UUID) -> Select[TermsOfReference]:
    return (
        select(TermsOfReference)
        .where(
            TermsOfReference.partnership_id == partnership_id,
            TermsOfReference.deleted_at.is_(None),
        )
        .order_by(TermsOfReference.number.desc())
    )


async def next_terms_number(session: AsyncSession, partnership_id: uuid.UUID) -> int:
    current = await session.scalar(
        select(func.max(TermsOfReference.number)).where(
            TermsOfReference.partnership_id == partnership_id
        )
    )
    return int(current or 0) + 1
