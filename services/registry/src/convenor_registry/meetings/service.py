"""Meetings of partnerships (single or in recurring series) and who attended them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry import records
from convenor_registry.meetings import recurrence, repository
from convenor_registry.meetings.schemas import (
    AttendancePut,
    AttendanceRead,
    AttendanceRecordRead,
    MeetingCreate,
    MeetingRead,
    MeetingUpdate,
    SeriesCreate,
    SeriesRead,
)
from convenor_registry.models import Meeting, MeetingSeries, Partnership
from convenor_registry.organisations import service as organisations_service
from convenor_registry.partnerships import service as partnerships_service
from convenor_registry.people import service as people_service
from convenor_registry.permissions import ensure_can_manage
from convenor_shared.auth import Caller
from convenor_shared.db import new_id
from convenor_shared.pagination import InvalidCursor, PageParams, page_of
from convenor_shared.problems import NotFound, RuleBroken

SERIES_HORIZON = timedelta(days=5 * 366)


class MeetingNotFound(NotFound):
    """There is no meeting with that id."""

    slug = "meeting-not-found"


class SeriesNotFound(NotFound):
    """There is no meeting series with that id."""

    slug = "meeting-series-not-found"


async def _serialise(session: AsyncSession, meeting: Meeting) -> dict[str, Any]:
    return MeetingRead.model_validate(meeting).model_dump(mode="json")


async def _serialise_series(session: AsyncSession, series: MeetingSeries) -> dict[str, Any]:
    return SeriesRead.model_validate(series).model_dump(mode="json", exclude={"meeting_ids"})


ENTITY = records.Entity("meeting", Meeting, MeetingNotFound, _serialise)
SERIES = records.Entity("meeting_series", MeetingSeries, SeriesNotFound, _serialise_series)


async def get(session: AsyncSession, meeting_id: uuid.UUID) -> Meeting:
    return await records.get(session, ENTITY, meeting_id)


async def partnership_of(session: AsyncSession, meeting: Meeting) -> Partnership:
    return await partnerships_service.get(session, meeting.partnership_id)


async def ensure_can_manage_meeting(session: AsyncSession, meeting: Meeting, by: Caller) -> None:
    ensure_can_manage(by, await partnership_of(session, meeting))


async def list_for(
    session: AsyncSession,
    partnership: Partnership,
    page: PageParams,
    *,
    start_from: datetime | None = None,
    start_to: datetime | None = None,
    status: str | None = None,
) -> tuple[list[Meeting], str | None]:
    after = None
    if page.cursor is not None:
        try:
            after = (datetime.fromisoformat(str(page.after("start"))), page.after_id())
        except ValueError as exc:
            raise InvalidCursor("The cursor is not one this service issued.") from exc
        if after[1] is None:
            raise InvalidCursor("The cursor is not one this service issued.")
    query = repository.of_partnership(
        partnership.id,
        start_from=start_from,
        start_to=start_to,
        status=status,
        after=after,  # type: ignore[arg-type]
        limit=page.limit,
    )
    rows = list((await session.execute(query)).scalars())
    return page_of(rows, page.limit, lambda m: {"start": m.start.isoformat(), "id": str(m.id)})


def _values(body: MeetingCreate | MeetingUpdate | SeriesCreate, *, unset: bool) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=unset)
    if values.get("online_url") is not None:
        values["online_url"] = str(values["online_url"])
    return values


async def create(
    session: AsyncSession, partnership: Partnership, body: MeetingCreate, by: Caller
) -> Meeting:
    ensure_can_manage(by, partnership)
    values = _values(body, unset=False) | {"partnership_id": partnership.id}
    return await records.add(session, ENTITY, values, by)


async def update(
    session: AsyncSession, meeting: Meeting, body: MeetingUpdate, by: Caller
) -> Meeting:
    await ensure_can_manage_meeting(session, meeting, by)
    values = _values(body, unset=True)
    start, end = values.get("start", meeting.start), values.get("end", meeting.end)
    if start is None or end is None or end <= start:
        raise RuleBroken("end must be after start.")
    return await records.change(session, ENTITY, meeting, values, by)


async def delete(session: AsyncSession, meeting: Meeting, by: Caller) -> None:
    await ensure_can_manage_meeting(session, meeting, by)
    await records.remove(session, ENTITY, meeting, by)


async def create_series(
    session: AsyncSession,
    partnership: Partnership,
    body: SeriesCreate,
    by: Caller,
    *,
    max_occurrences: int,
) -> tuple[MeetingSeries, list[Meeting]]:
    """A recurring series and its occurrences, each a meeting of its own."""
    ensure_can_manage(by, partnership)
    starts = recurrence.expand(
        body.rrule, body.first_start, limit=max_occurrences, horizon=SERIES_HORIZON
    )
    series = await records.add(
        session,
        SERIES,
        {
            "partnership_id": partnership.id,
            "rrule": body.rrule,
            "first_start": body.first_start.astimezone(UTC),
            "duration_minutes": body.duration_minutes,
        },
        by,
    )
    common = _values(body, unset=False)
    for key in ("rrule", "first_start", "duration_minutes"):
        common.pop(key)
    duration = timedelta(minutes=body.duration_minutes)
    meetings = [
        await records.add(
            session,
            ENTITY,
            common
            | {
                "id": new_id(),
                "partnership_id": partnership.id,
                "series_id": series.id,
                "start": start,
                "end": start + duration,
                "status": "scheduled",
            },
            by,
        )
        for start in starts
    ]
    return series, meetings


async def get_series(
    session: AsyncSession, series_id: uuid.UUID
) -> tuple[MeetingSeries, list[Meeting]]:
    series = await records.get(session, SERIES, series_id)
    meetings = list((await session.execute(repository.of_series(series.id))).scalars())
    return series, meetings


def series_read(series: MeetingSeries, meetings: list[Meeting]) -> SeriesRead:
    model = SeriesRead.model_validate(series)
    model.meeting_ids = [m.id for m in meetings]
    return model


async def attendance(session: AsyncSession, meeting: Meeting) -> AttendanceRead:
    rows = (await session.execute(repository.attendance_of(meeting.id))).scalars()
    return AttendanceRead(
        meeting_id=meeting.id,
        records=[AttendanceRecordRead.model_validate(row) for row in rows],
    )


async def put_attendance(
    session: AsyncSession, meeting: Meeting, body: AttendancePut, by: Caller
) -> AttendanceRead:
    """Replace the meeting's attendance with ``body`` (the whole list, as a register is)."""
    await ensure_can_manage_meeting(session, meeting, by)
    people = [r.person_id for r in body.records]
    if len(set(people)) != len(people):
        raise RuleBroken("Each person appears once in an attendance list.")
    await people_service.get_many(
        session, list({*people, *(r.deputy_for_id for r in body.records if r.deputy_for_id)})
    )
    organisations = list({r.on_behalf_of_id for r in body.records if r.on_behalf_of_id})
    await organisations_service.get_many(session, organisations)
    before = await attendance(session, meeting)
    rows: list[dict[str, object]] = [
        {"id": new_id(), "meeting_id": meeting.id, **record.model_dump()} for record in body.records
    ]
    await repository.replace_attendance(session, meeting.id, rows)
    after = await attendance(session, meeting)
    await note_register(session, meeting, before.model_dump(mode="json")["records"], after, by)
    return after


async def note_register(
    session: AsyncSession,
    meeting: Meeting,
    before: list[dict[str, Any]],
    after: AttendanceRead,
    by: Caller,
) -> None:
    """Record a meeting's new register, if it differs from ``before`` (the register as it was,
    in JSON form): the meeting's version and history, and the change feed."""
    shown = after.model_dump(mode="json")
    if before != shown["records"]:
        note = {"attendance": [before, shown["records"]]}
        await records.touch(session, ENTITY, meeting, note, by)
        records.feed.record(session, "attendance", meeting.id, "upsert", shown)
