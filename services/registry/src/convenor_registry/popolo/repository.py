"""Queries behind the Popolo export."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.models import Area, Organisation, OrganisationArea, Person

CHUNK = 500
M = TypeVar("M", Organisation, Person, Area)


async def organisation_ids_in(
    session: AsyncSession, area_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for i in range(0, len(area_ids), CHUNK):
        query = select(OrganisationArea.organisation_id).where(
            OrganisationArea.area_id.in_(area_ids[i : i + CHUNK])
        )
        found.update((await session.execute(query)).scalars())
    return found


async def live(session: AsyncSession, model: type[M], ids: Sequence[uuid.UUID]) -> list[M]:
    """Live records of ``model`` with these ids, in id order."""
    found: list[M] = []
    for i in range(0, len(ids), CHUNK):
        query = select(model).where(model.id.in_(ids[i : i + CHUNK]), model.deleted_at.is_(None))
        found.extend((await session.execute(query)).scalars())
    return sorted(found, key=lambda row: row.id)


async def organisation_areas(
    session: AsyncSession, organisation_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    found: dict[uuid.UUID, list[uuid.UUID]] = {oid: [] for oid in organisation_ids}
    for i in range(0, len(organisation_ids), CHUNK):
        query = select(OrganisationArea.organisation_id, OrganisationArea.area_id).where(
            OrganisationArea.organisation_id.in_(organisation_ids[i : i + CHUNK])
        )
        for organisation_id, area_id in (await session.execute(query)).all():
            found[organisation_id].append(area_id)
    return found
