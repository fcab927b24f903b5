"""Queries behind spreadsheet import and export: existing records loaded in bulk."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import insert, select
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
M = TypeVar("M", Organisation, Person, Partnership)


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


async def rows_of_partnerships(
    session: AsyncSession,
    model: type[Membership] | type[Meeting] | type[Action],
    partnership_ids: Sequence[uuid.UUID],
    ids: Sequence[uuid.UUID] = (),
) -> list[Any]:
    """Live memberships, meetings or actions of these partnerships, or with these ids, as plain
    rows (read by attribute like the records): loading hundreds of thousands of ORM objects
    costs several times more, and only the few that change are needed as records."""
    table: Any = model.__table__
    found: dict[uuid.UUID, Any] = {}
    for values, column in ((partnership_ids, table.c.partnership_id), (ids, table.c.id)):
        for part in _chunks(list(values)):
            query = select(table).where(table.c.deleted_at.is_(None), column.in_(part))
            for row in (await session.execute(query)).all():
                found[row.id] = row
    return sorted(found.values(), key=lambda r: r.id)


async def attendance(
    session: AsyncSession, meeting_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Any]]:
    """Registers of these meetings, as plain rows."""
    table: Any = Attendance.__table__
    found: dict[uuid.UUID, list[Any]] = {}
    for part in _chunks(list(meeting_ids)):
        query = select(table).where(table.c.meeting_id.in_(part)).order_by(table.c.id)
        for row in (await session.execute(query)).all():
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


async def add_attendance(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Register rows of many meetings, in one statement."""
    table: Any = Attendance.__table__
    if rows:
        await session.execute(insert(table), rows)
