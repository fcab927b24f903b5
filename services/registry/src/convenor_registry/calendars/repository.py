"""Queries behind the calendar feeds: which partnerships and meetings a feed covers, and what
each meeting needs to be rendered (attendance, people, agenda themes, memberships)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.models import (
    AgendaItem,
    ApiClient,
    Attendance,
    CalendarSubscription,
    Meeting,
    Membership,
    Organisation,
    Partnership,
    Person,
)
from convenor_shared.db import json_array_contains

T = TypeVar("T")
CHUNK = 500  # keeps IN lists well inside SQLite's bound-parameter limit


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


async def subscription_by_hash(
    session: AsyncSession, token_hash: str
) -> tuple[CalendarSubscription, datetime | None] | None:
    """The subscription with this token hash and its creating client's revocation time."""
    query = (
        select(CalendarSubscription, ApiClient.revoked_at)
        .outerjoin(ApiClient, ApiClient.client_id == CalendarSubscription.client_id)
        .where(CalendarSubscription.token_hash == token_hash)
    )
    row = (await session.execute(query)).first()
    return None if row is None else (row[0], row[1])


def subscriptions_of(
    client_id: str, organisation_id: uuid.UUID | None
) -> Select[CalendarSubscription]:
    owner = (
        CalendarSubscription.organisation_id == organisation_id
        if organisation_id is not None
        else CalendarSubscription.client_id == client_id
    )
    return select(CalendarSubscription).where(owner).order_by(CalendarSubscription.created_at)


async def memberships_of_person(
    session: AsyncSession, person_id: uuid.UUID, dialect: str
) -> list[Membership]:
    """Memberships the person holds, or on which they are a named deputy."""
    query = select(Membership).where(
        Membership.deleted_at.is_(None),
        or_(
            Membership.person_id == person_id,
            json_array_contains(Membership.deputy_ids, str(person_id), dialect),
        ),
    )
    return list((await session.execute(query)).scalars())


async def meetings_attended_by_person(
    session: AsyncSession, person_id: uuid.UUID
) -> set[uuid.UUID]:
    query = select(Attendance.meeting_id).where(Attendance.person_id == person_id)
    return set((await session.execute(query)).scalars())


async def partnerships_of_organisation(
    session: AsyncSession, organisation_id: uuid.UUID
) -> set[uuid.UUID]:
    """Partnerships the organisation sits on (a seat, or someone on its behalf), chairs, or
    runs the secretariat of."""
    seats = select(Membership.partnership_id).where(
        Membership.deleted_at.is_(None),
        or_(
            Membership.organisation_id == organisation_id,
            Membership.on_behalf_of_id == organisation_id,
        ),
    )
    stewards = select(Partnership.id).where(
        Partnership.deleted_at.is_(None),
        or_(
            Partnership.chair_organisation_id == organisation_id,
            Partnership.secretariat_organisation_id == organisation_id,
        ),
    )
    found = set((await session.execute(seats)).scalars())
    found.update((await session.execute(stewards)).scalars())
    return found


async def meetings_attended_for_organisation(
    session: AsyncSession, organisation_id: uuid.UUID
) -> set[uuid.UUID]:
    """Meetings its people attended, or someone attended on its behalf."""
    query = (
        select(Attendance.meeting_id)
        .join(Person, Person.id == Attendance.person_id)
        .where(
            or_(
                Person.organisation_id == organisation_id,
                Attendance.on_behalf_of_id == organisation_id,
            )
        )
    )
    return set((await session.execute(query)).scalars())


async def meetings(
    session: AsyncSession,
    *,
    partnership_ids: Iterable[uuid.UUID],
    meeting_ids: Iterable[uuid.UUID],
    start_from: datetime,
    start_to: datetime,
) -> list[Meeting]:
    """Live meetings in the window, of these partnerships or with these ids."""
    found: dict[uuid.UUID, Meeting] = {}
    window = (
        Meeting.deleted_at.is_(None),
        Meeting.start >= start_from,
        Meeting.start < start_to,
    )
    for column, values in (
        (Meeting.partnership_id, list(partnership_ids)),
        (Meeting.id, list(meeting_ids)),
    ):
        for part in chunks(values):
            query = select(Meeting).where(column.in_(part), *window)
            for meeting in (await session.execute(query)).scalars():
                found[meeting.id] = meeting
    return sorted(found.values(), key=lambda m: (m.start, m.id))


async def by_ids(session: AsyncSession, model: Any, ids: Iterable[uuid.UUID]) -> dict[Any, Any]:
    values = list(dict.fromkeys(ids))
    found: dict[uuid.UUID, Any] = {}
    for part in chunks(values):
        query = select(model).where(model.id.in_(part))
        for row in (await session.execute(query)).scalars():
            found[row.id] = row
    return found


async def partnerships(
    session: AsyncSession, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Partnership]:
    return await by_ids(session, Partnership, ids)


async def organisations(
    session: AsyncSession, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Organisation]:
    return await by_ids(session, Organisation, ids)


async def people(session: AsyncSession, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Person]:
    return await by_ids(session, Person, ids)


async def attendance(
    session: AsyncSession, meeting_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Attendance]]:
    found: dict[uuid.UUID, list[Attendance]] = {}
    for part in chunks(meeting_ids):
        query = select(Attendance).where(Attendance.meeting_id.in_(part)).order_by(Attendance.id)
        for row in (await session.execute(query)).scalars():
            found.setdefault(row.meeting_id, []).append(row)
    return found


async def agenda_themes(
    session: AsyncSession, meeting_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, set[str]]:
    found: dict[uuid.UUID, set[str]] = {}
    for part in chunks(meeting_ids):
        query = select(AgendaItem.meeting_id, AgendaItem.themes).where(
            AgendaItem.meeting_id.in_(part), AgendaItem.deleted_at.is_(None)
        )
        for meeting_id, themes in (await session.execute(query)).all():
            found.setdefault(meeting_id, set()).update(themes or [])
    return found


async def memberships(
    session: AsyncSession, partnership_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Membership]]:
    found: dict[uuid.UUID, list[Membership]] = {}
    for part in chunks(partnership_ids):
        query = (
            select(Membership)
            .where(Membership.partnership_id.in_(part), Membership.deleted_at.is_(None))
            .order_by(Membership.id)
        )
        for row in (await session.execute(query)).scalars():
            found.setdefault(row.partnership_id, []).append(row)
    return found
