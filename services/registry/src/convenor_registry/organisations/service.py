"""Organisations: the directory of local policing bodies and partner agencies."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry import records
from convenor_registry.areas import service as areas_service
from convenor_registry.models import Organisation
from convenor_registry.organisations import repository
from convenor_registry.organisations.schemas import (
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
)
from convenor_registry.permissions import ensure_can_manage
from convenor_shared.auth import Caller
from convenor_shared.pagination import PageParams, page_of
from convenor_shared.problems import NotFound, RuleBroken


class OrganisationNotFound(NotFound):
    """There is no organisation with that id."""

    slug = "organisation-not-found"


async def read(session: AsyncSession, organisation: Organisation) -> OrganisationRead:
    areas = await repository.area_ids(session, [organisation.id])
    model = OrganisationRead.model_validate(organisation)
    model.area_ids = areas[organisation.id]
    return model


async def read_many(session: AsyncSession, rows: list[Organisation]) -> list[OrganisationRead]:
    areas = await repository.area_ids(session, [row.id for row in rows])
    out = []
    for row in rows:
        model = OrganisationRead.model_validate(row)
        model.area_ids = areas[row.id]
        out.append(model)
    return out


async def _serialise(session: AsyncSession, organisation: Organisation) -> dict[str, Any]:
    return (await read(session, organisation)).model_dump(mode="json")


ENTITY = records.Entity("organisation", Organisation, OrganisationNotFound, _serialise)


async def get(session: AsyncSession, organisation_id: uuid.UUID) -> Organisation:
    return await records.get(session, ENTITY, organisation_id)


async def get_many(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, Organisation]:
    return await records.get_many(session, ENTITY, ids)


async def list_organisations(
    session: AsyncSession,
    page: PageParams,
    *,
    classification: str | None = None,
    area: str | None = None,
    name: str | None = None,
) -> tuple[list[Organisation], str | None]:
    area_id = (await areas_service.resolve(session, area)).id if area else None
    query = repository.list_query(
        classification=classification,
        area_id=area_id,
        name=name,
        after=page.after_id(),
        limit=page.limit,
    )
    rows = list((await session.execute(query)).scalars())
    return page_of(rows, page.limit, lambda row: {"id": str(row.id)})


async def _check_areas(session: AsyncSession, ids: list[uuid.UUID]) -> list[uuid.UUID]:
    unique = list(dict.fromkeys(ids))
    for area_id in unique:
        await areas_service.get(session, area_id)
    return unique


def _values(body: OrganisationCreate | OrganisationUpdate, *, unset: bool) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=unset, exclude={"area_ids"}, mode="python")
    if "website" in values and values["website"] is not None:
        values["website"] = str(values["website"])
    return values


async def create(session: AsyncSession, body: OrganisationCreate, by: Caller) -> Organisation:
    area_ids = await _check_areas(session, body.area_ids)
    organisation = await records.add(session, ENTITY, _values(body, unset=False), by)
    if area_ids:
        await repository.set_areas(session, organisation.id, area_ids)
    return organisation


async def update(
    session: AsyncSession, organisation: Organisation, body: OrganisationUpdate, by: Caller
) -> Organisation:
    ensure_can_manage(by, organisation)
    values = _values(body, unset=True)
    if (
        "kind" in values
        and values["kind"] is not None
        and organisation.classification != "local_policing_body"
    ):
        raise RuleBroken("kind applies only to a local_policing_body.")
    organisation = await records.change(session, ENTITY, organisation, values, by)
    if body.area_ids is not None:
        area_ids = await _check_areas(session, body.area_ids)
        current = (await repository.area_ids(session, [organisation.id]))[organisation.id]
        if sorted(current) != sorted(area_ids):
            await repository.set_areas(session, organisation.id, area_ids)
            await records.touch(
                session, ENTITY, organisation, {"area_ids": [current, area_ids]}, by
            )
    return organisation


async def delete(session: AsyncSession, organisation: Organisation, by: Caller) -> None:
    ensure_can_manage(by, organisation)
    await records.remove(session, ENTITY, organisation, by)
