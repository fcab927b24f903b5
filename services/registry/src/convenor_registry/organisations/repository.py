from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.models import Organisation, OrganisationArea


def list_query(
    *,
    classification: str | None,
    area_id: uuid.UUID | None,
    name: str | None,
    after: uuid.UUID | None,
    limit: int,
) -> Select[Organisation]:
    query = select(Organisation).where(Organisation.deleted_at.is_(None))
    if classification:
        query = query.where(Organisation.classification == classification)
    if area_id:
        query = query.where(
            Organisation.id.in_(
                select(OrganisationArea.organisation_id).where(OrganisationArea.area_id == area_id)
            )
        )
    if name:
        query = query.where(Organisation.name.ilike(f"%{name}%"))
    if after:
        query = query.where(Organisation.id > after)
    return query.order_by(Organisation.id).limit(limit + 1)


async def area_ids(
    session: AsyncSession, organisation_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    result: dict[uuid.UUID, list[uuid.UUID]] = {oid: [] for oid in organisation_ids}
    if not organisation_ids:
        return result
    rows = await session.execute(
        select(OrganisationArea.organisation_id, OrganisationArea.area_id)
        .where(OrganisationArea.organisation_id.in_(organisation_ids))
        .order_by(OrganisationArea.area_id)
    )
    for organisation_id, area_id in rows:
        result[organisation_id].append(area_id)
    return result


async def set_areas(
    session: AsyncSession, organisation_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> None:
    await session.execute(
        delete(OrganisationArea).where(OrganisationArea.organisation_id == organisation_id)
    )
    if ids:
        await session.execute(
            insert(OrganisationArea),
            [{"organisation_id": organisation_id, "area_id": area_id} for area_id in ids],
        )
