"""Queries behind the landscape of an area: its partnerships, their members and relations."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.models import (
    Area,
    Membership,
    Partnership,
    PartnershipArea,
    PartnershipRelation,
)

CHUNK = 500  # keeps IN lists inside SQLite's bound-parameter limit


def _chunks(values: Sequence[uuid.UUID]) -> Iterable[Sequence[uuid.UUID]]:
    return (values[i : i + CHUNK] for i in range(0, len(values), CHUNK))


async def area_and_descendants(session: AsyncSession, area_id: uuid.UUID) -> list[Area]:
    """An area and the areas inside it (a force area's local authorities, and theirs)."""
    found = [await session.get(Area, area_id)]
    frontier = [area_id]
    for _ in range(4):
        query = select(Area).where(Area.parent_id.in_(frontier), Area.deleted_at.is_(None))
        children = list((await session.execute(query)).scalars())
        if not children:
            break
        found.extend(children)
        frontier = [child.id for child in children]
    return [area for area in found if area is not None]


async def partnerships_in(
    session: AsyncSession, area_ids: Sequence[uuid.UUID]
) -> list[Partnership]:
    found: dict[uuid.UUID, Partnership] = {}
    for part in _chunks(area_ids):
        inside = select(PartnershipArea.partnership_id).where(PartnershipArea.area_id.in_(part))
        query = select(Partnership).where(
            Partnership.id.in_(inside), Partnership.deleted_at.is_(None)
        )
        for row in (await session.execute(query)).scalars():
            found[row.id] = row
    return sorted(found.values(), key=lambda p: (p.name, p.id))


async def partnerships_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Partnership]:
    found: list[Partnership] = []
    for part in _chunks(ids):
        query = select(Partnership).where(
            Partnership.id.in_(part), Partnership.deleted_at.is_(None)
        )
        found.extend((await session.execute(query)).scalars())
    return found


async def footprints(
    session: AsyncSession, partnership_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    found: dict[uuid.UUID, list[uuid.UUID]] = {pid: [] for pid in partnership_ids}
    for part in _chunks(partnership_ids):
        query = (
            select(PartnershipArea.partnership_id, PartnershipArea.area_id)
            .where(PartnershipArea.partnership_id.in_(part))
            .order_by(PartnershipArea.area_id)
        )
        for partnership_id, area_id in (await session.execute(query)).all():
            found[partnership_id].append(area_id)
    return found


async def memberships(
    session: AsyncSession, partnership_ids: Sequence[uuid.UUID], *, on: date | None = None
) -> list[Membership]:
    """Live memberships of these partnerships; with ``on``, only those current that day."""
    found: list[Membership] = []
    for part in _chunks(partnership_ids):
        query = select(Membership).where(
            Membership.partnership_id.in_(part), Membership.deleted_at.is_(None)
        )
        if on is not None:
            query = query.where(
                or_(Membership.start_date.is_(None), Membership.start_date <= on),
                or_(Membership.end_date.is_(None), Membership.end_date >= on),
            )
        found.extend((await session.execute(query.order_by(Membership.id))).scalars())
    return found


async def relations(
    session: AsyncSession, partnership_ids: Sequence[uuid.UUID]
) -> list[PartnershipRelation]:
    found: dict[uuid.UUID, PartnershipRelation] = {}
    for part in _chunks(partnership_ids):
        query = select(PartnershipRelation).where(
            PartnershipRelation.deleted_at.is_(None),
            or_(
                PartnershipRelation.partnership_id.in_(part),
                PartnershipRelation.related_partnership_id.in_(part),
            ),
        )
        for row in (await session.execute(query)).scalars():
            found[row.id] = row
    return sorted(found.values(), key=lambda r: r.id)
