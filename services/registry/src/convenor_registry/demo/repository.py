"""Queries behind the demo commands."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.models import (
    ApiClient,
    Area,
    Meeting,
    Organisation,
    OrganisationArea,
    Partnership,
    Person,
)


async def partnership_named(session: AsyncSession, name: str) -> Partnership | None:
    query = select(Partnership).where(Partnership.name == name, Partnership.deleted_at.is_(None))
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def organisation_named(session: AsyncSession, name: str) -> Organisation | None:
    query = select(Organisation).where(Organisation.name == name, Organisation.deleted_at.is_(None))
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def area_by_code(session: AsyncSession, gss_code: str) -> Area | None:
    query = select(Area).where(Area.gss_code == gss_code, Area.deleted_at.is_(None))
    return (await session.execute(query)).scalar_one_or_none()


async def force_areas(session: AsyncSession) -> list[Area]:
    query = (
        select(Area)
        .where(Area.classification == "police_force_area", Area.deleted_at.is_(None))
        .order_by(Area.gss_code)
    )
    return list((await session.execute(query)).scalars())


async def local_authorities(session: AsyncSession, force_id: uuid.UUID) -> list[Area]:
    query = (
        select(Area)
        .where(Area.parent_id == force_id, Area.deleted_at.is_(None))
        .order_by(Area.gss_code)
    )
    return list((await session.execute(query)).scalars())


async def policing_body(session: AsyncSession, area_id: uuid.UUID) -> Organisation | None:
    query = (
        select(Organisation)
        .join(OrganisationArea, OrganisationArea.organisation_id == Organisation.id)
        .where(
            OrganisationArea.area_id == area_id,
            Organisation.classification == "local_policing_body",
            Organisation.deleted_at.is_(None),
        )
    )
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def live_clients(session: AsyncSession, organisation_id: uuid.UUID, name: str) -> list[str]:
    query = select(ApiClient.client_id).where(
        ApiClient.organisation_id == organisation_id,
        ApiClient.name == name,
        ApiClient.revoked_at.is_(None),
    )
    return list((await session.execute(query)).scalars())


async def counts(session: AsyncSession) -> dict[str, int]:
    out = {}
    for name, model in (
        ("organisations", Organisation),
        ("people", Person),
        ("partnerships", Partnership),
        ("meetings", Meeting),
    ):
        query = select(func.count()).select_from(model).where(model.deleted_at.is_(None))
        out[name] = int(await session.scalar(query) or 0)
    return out
