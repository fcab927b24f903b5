"""Reference geography: police force areas, local authorities and other areas."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry import records
from convenor_registry.areas import repository
from convenor_registry.areas.schemas import AreaCreate, AreaRead, AreaUpdate
from convenor_registry.models import Area
from convenor_registry.permissions import ensure_admin
from convenor_shared.auth import Caller
from convenor_shared.pagination import PageParams, page_of
from convenor_shared.problems import Conflict, NotFound


class AreaNotFound(NotFound):
    """There is no area with that id (or GSS code)."""

    slug = "area-not-found"


async def _serialise(session: AsyncSession, area: Area) -> dict[str, Any]:
    return AreaRead.model_validate(area).model_dump(mode="json")


ENTITY = records.Entity("area", Area, AreaNotFound, _serialise)


async def get(session: AsyncSession, area_id: uuid.UUID) -> Area:
    return await records.get(session, ENTITY, area_id)


async def resolve(session: AsyncSession, reference: str) -> Area:
    """An area by id or by GSS code (what a person typing a URL would use)."""
    try:
        return await get(session, uuid.UUID(reference))
    except ValueError:
        pass
    area = (await session.execute(repository.by_gss_code(reference))).scalar_one_or_none()
    if area is None:
        raise AreaNotFound(f"No area with id or GSS code {reference!r}.")
    return area


async def list_areas(
    session: AsyncSession,
    page: PageParams,
    *,
    classification: str | None = None,
    gss_code: str | None = None,
    parent_id: uuid.UUID | None = None,
) -> tuple[list[Area], str | None]:
    query = repository.list_query(
        classification=classification,
        gss_code=gss_code,
        parent_id=parent_id,
        after=page.after_id(),
        limit=page.limit,
    )
    rows = list((await session.execute(query)).scalars())
    return page_of(rows, page.limit, lambda area: {"id": str(area.id)})


async def create(session: AsyncSession, body: AreaCreate, by: Caller) -> Area:
    ensure_admin(by)
    if (await session.execute(repository.by_gss_code(body.gss_code))).scalar_one_or_none():
        raise Conflict(f"An area with GSS code {body.gss_code} already exists.")
    if body.parent_id:
        await get(session, body.parent_id)
    return await records.add(session, ENTITY, body.model_dump(), by)


async def update(session: AsyncSession, area: Area, body: AreaUpdate, by: Caller) -> Area:
    ensure_admin(by)
    values = body.model_dump(exclude_unset=True)
    if values.get("parent_id"):
        if values["parent_id"] == area.id:
            raise Conflict("An area cannot be its own parent.")
        await get(session, values["parent_id"])
    return await records.change(session, ENTITY, area, values, by)
