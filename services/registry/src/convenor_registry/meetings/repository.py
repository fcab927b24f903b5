from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Select, delete, insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.models import Attendance, Meeting


def of_partnership(
    partnership_id: uuid.UUID,
    *,
    start_from: datetime | None,
    start_to: datetime | None,
    status: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Select[Meeting]:
    query = select(Meeting).where(
        Meeting.partnership_id == partnership_id, Meeting.deleted_at.is_(None)
    )
    if start_from:
        query = query.where(Meeting.start >= start_from)
    if start_to:
        query = query.where(Meeting.start < start_to)
    if status:
        query = query.where(Meeting.status == status)
    if after:
        query = query.where(tuple_(Meeting.start, Meeting.id) > tuple_(*after))
    return query.order_by(Meeting.start, Meeting.id).limit(limit + 1)


def of_series(series_id: uuid.UUID) -> Select[Meeting]:
    return (
        select(Meeting)
        .where(Meeting.series_id == series_id, Meeting.deleted_at.is_(None))
        .order_by(Meeting.start)
    )


def attendance_of(meeting_id: uuid.UUID) -> Select[Attendance]:
    return select(Attendance).where(Attendance.meeting_id == meeting_id).order_by(Attendance.id)


async def replace_attendance(
    session: AsyncSession, meeting_id: uuid.UUID, rows: list[dict[str, object]]
) -> None:
    await session.execute(delete(Attendance).where(Attendance.meeting_id == meeting_id))
    if rows:
        await session.execute(insert(Attendance), rows)
