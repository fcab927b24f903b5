from __future__ import annotations

import uuid

from fastapi import Request, Response

from convenor_registry.deps import Reader, Writer, api_router
from convenor_registry.meetings import service as meetings_service
from convenor_registry.meetings.schemas import (
    AttendancePut,
    AttendanceRead,
    MeetingCreate,
    MeetingRead,
    MeetingUpdate,
    SeriesCreate,
    SeriesRead,
)
from convenor_registry.partnerships import service as partnerships_service
from convenor_registry.vocabularies import MeetingStatus
from convenor_shared.concurrency import check_if_match, etag_of, set_etag
from convenor_shared.pagination import Page, PageDep
from convenor_shared.routing import SessionDep
from convenor_shared.schemas import IsoDateTime

router = api_router("/v1", "meetings")


@router.get("/partnerships/{partnership_id}/meetings", operation_id="meetings_list")
async def list_meetings(
    partnership_id: uuid.UUID,
    session: SessionDep,
    caller: Reader,
    page: PageDep,
    start_from: IsoDateTime | None = None,
    start_to: IsoDateTime | None = None,
    status: MeetingStatus | None = None,
) -> Page[MeetingRead]:
    """A partnership's meetings in date order."""
    partnership = await partnerships_service.get(session, partnership_id)
    rows, cursor = await meetings_service.list_for(
        session, partnership, page, start_from=start_from, start_to=start_to, status=status
    )
    return Page(items=[MeetingRead.model_validate(r) for r in rows], next_cursor=cursor)


@router.post(
    "/partnerships/{partnership_id}/meetings", status_code=201, operation_id="meetings_create"
)
async def create_meeting(
    partnership_id: uuid.UUID,
    body: MeetingCreate,
    session: SessionDep,
    caller: Writer,
    response: Response,
) -> MeetingRead:
    partnership = await partnerships_service.get(session, partnership_id)
    meeting = await meetings_service.create(session, partnership, body, caller)
    set_etag(response, etag_of(meeting.version, meeting.id))
    return MeetingRead.model_validate(meeting)


@router.post(
    "/partnerships/{partnership_id}/meeting-series",
    status_code=201,
    operation_id="meeting_series_create",
)
async def create_series(
    partnership_id: uuid.UUID,
    body: SeriesCreate,
    session: SessionDep,
    caller: Writer,
    request: Request,
) -> SeriesRead:
    """A recurring series: every occurrence becomes a meeting of its own (so that one can be
    moved or cancelled), up to the configured number of occurrences and five years ahead."""
    partnership = await partnerships_service.get(session, partnership_id)
    series, meetings = await meetings_service.create_series(
        session,
        partnership,
        body,
        caller,
        max_occurrences=request.app.state.settings.max_series_occurrences,
    )
    return meetings_service.series_read(series, meetings)


@router.get("/meeting-series/{series_id}", operation_id="meeting_series_get")
async def get_series(series_id: uuid.UUID, session: SessionDep, caller: Reader) -> SeriesRead:
    series, meetings = await meetings_service.get_series(session, series_id)
    return meetings_service.series_read(series, meetings)


@router.get("/meetings/{meeting_id}", operation_id="meetings_get")
async def get_meeting(
    meeting_id: uuid.UUID, session: SessionDep, caller: Reader, response: Response
) -> MeetingRead:
    meeting = await meetings_service.get(session, meeting_id)
    set_etag(response, etag_of(meeting.version, meeting.id))
    return MeetingRead.model_validate(meeting)


@router.patch("/meetings/{meeting_id}", operation_id="meetings_update")
async def update_meeting(
    meeting_id: uuid.UUID,
    body: MeetingUpdate,
    session: SessionDep,
    caller: Writer,
    request: Request,
    response: Response,
) -> MeetingRead:
    """Move, re-title or cancel a meeting (``status: cancelled``)."""
    meeting = await meetings_service.get(session, meeting_id)
    check_if_match(request, etag_of(meeting.version, meeting.id))
    meeting = await meetings_service.update(session, meeting, body, caller)
    set_etag(response, etag_of(meeting.version, meeting.id))
    return MeetingRead.model_validate(meeting)


@router.delete("/meetings/{meeting_id}", status_code=204, operation_id="meetings_delete")
async def delete_meeting(
    meeting_id: uuid.UUID, session: SessionDep, caller: Writer, request: Request
) -> Response:
    meeting = await meetings_service.get(session, meeting_id)
    check_if_match(request, etag_of(meeting.version, meeting.id))
    await meetings_service.delete(session, meeting, caller)
    return Response(status_code=204)


@router.get("/meetings/{meeting_id}/attendance", operation_id="attendance_get")
async def get_attendance(
    meeting_id: uuid.UUID, session: SessionDep, caller: Reader
) -> AttendanceRead:
    meeting = await meetings_service.get(session, meeting_id)
    return await meetings_service.attendance(session, meeting)


@router.put("/meetings/{meeting_id}/attendance", operation_id="attendance_put")
async def put_attendance(
    meeting_id: uuid.UUID,
    body: AttendancePut,
    session: SessionDep,
    caller: Writer,
    request: Request,
    response: Response,
) -> AttendanceRead:
    """Replace the meeting's attendance register (present, apologies, absent, deputy for
    whom, observer, officer). ``If-Match`` takes the meeting's ETag."""
    meeting = await meetings_service.get(session, meeting_id)
    check_if_match(request, etag_of(meeting.version, meeting.id))
    result = await meetings_service.put_attendance(session, meeting, body, caller)
    set_etag(response, etag_of(meeting.version, meeting.id))
    return result
