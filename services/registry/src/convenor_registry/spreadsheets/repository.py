"""Queries behind spreadsheet import and export: existing records loaded in bulk."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.models import (
    Action,
    Area,
    Attendance,
    Meeting,
    Membership,
    Organisation,
    OrganisationArea,
    Partnership,
    PartnershipArea,
    Person,
)

CHUNK = 500  # keeps IN lists inside SQLite's bound-parameter limit
M = TypeVar("M", Organisation, Person, Partnership, Membership, Meeting, Action)


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    return (values[i : i + CHUNK] for i in range(0, len(values), CHUNK))


async def all_live(session: AsyncSession, model: type[M]) -> list[M]:
    query = select(model).where(model.deleted_at.is_(None)).order_by(model.id)
    return list((await session.execute(query)).scalars())


async def areas(session: AsyncSession) -> list[Area]:
    """Every live area, as records: held in the session, later look-ups by id cost nothing."""
    query = select(Area).where(Area.deleted_at.is_(None))
    return list((await session.execute(query)).scalars())


async def links(
    session: AsyncSession, model: type[OrganisationArea] | type[PartnershipArea]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Every organisation's areas, or every partnership's footprint."""
    owner = (
        OrganisationArea.organisation_id
        if model is OrganisationArea
        else PartnershipArea.partnership_id
    )
    found: dict[uuid.UUID, list[uuid.UUID]] = {}
    for owner_id, area_id in (await session.execute(select(owner, model.area_id))).all():
        found.setdefault(owner_id, []).append(area_id)
    return found


async def of_partnerships(
    session: AsyncSession,
    model: type[M],
    partnership_ids: Sequence[uuid.UUID],
    ids: Sequence[uuid.UUID] = (),
) -> list[M]:
    """Live memberships, meetings or actions of these partnerships, or with these ids."""
    found: dict[uuid.UUID, M] = {}
    column = getattr(model, "partnership_id")  # noqa: B009 (not every M has it, for mypy)
    for values, test in ((partnership_ids, column.in_), (ids, model.id.in_)):
        for part in _chunks(list(values)):
            query = select(model).where(model.deleted_at.is_(None), test(part))
            for row in (await session.execute(query)).scalars():
                found[row.id] = row
    return sorted(found.values(), key=lambda r: r.id)


async def attendance(
    session: AsyncSession, meeting_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Attendance]]:
    found: dict[uuid.UUID, list[Attendance]] = {}
    for part in _chunks(list(meeting_ids)):
        query = select(Attendance).where(Attendance.meeting_id.in_(part)).order_by(Attendance.id)
        for row in (await session.execute(query)).scalars():
            found.setdefault(row.meeting_id, []).append(row)
    return found


async def organisations_in(session: AsyncSession, area_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for part in _chunks(list(area_ids)):
        query = select(OrganisationArea.organisation_id).where(OrganisationArea.area_id.in_(part))
        found.update((await session.execute(query)).scalars())
    return found


async def people_of(session: AsyncSession, organisation_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for part in _chunks(list(organisation_ids)):
        query = select(Person.id).where(
            Person.deleted_at.is_(None), Person.organisation_id.in_(part)
        )
        found.update((await session.execute(query)).scalars())
    return found
