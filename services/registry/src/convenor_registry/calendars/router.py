from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from convenor_registry.calendars import service as calendars_service
from convenor_registry.calendars.schemas import (
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
)
from convenor_registry.deps import Reader, api_router
from convenor_shared.auth import CALLER_KEY, Caller, authenticate, bearer_scheme
from convenor_shared.problems import InsufficientScope
from convenor_shared.routing import SessionDep

router = api_router("/v1", "calendars")

ICS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An RFC 5545 calendar: one VEVENT per meeting in the window",
        "content": {"text/calendar": {"schema": {"type": "string"}}},
    },
    304: {"description": "Not modified since the ETag sent in If-None-Match"},
}
TokenQuery = Annotated[
    str | None,
    Query(
        max_length=100,
        description="A calendar subscription token (instead of a bearer token)",
    ),
]
# A date, or a date-time with or without its offset (calendar clients send local times,
# read as UTC); the service parses what the pattern lets through.
INSTANT = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$"
)
FromQuery = Annotated[
    str | None,
    Query(
        alias="from",
        max_length=40,
        pattern=INSTANT,
        description="Start of the window (date or date-time)",
    ),
]
ToQuery = Annotated[
    str | None,
    Query(max_length=40, pattern=INSTANT, description="End of the window (date or date-time)"),
]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


async def _serve(
    request: Request,
    session: SessionDep,
    subject: str,
    reference: str,
    token: str | None,
    credentials: HTTPAuthorizationCredentials | None,
    start: str | None,
    end: str | None,
) -> Response:
    if token:
        subject_id = await calendars_service.resolve_subject(session, subject, reference)
        access = await calendars_service.access_by_token(session, token, subject, subject_id)
        # The access log names the subscription, never its token.
        request.scope[CALLER_KEY] = Caller(
            client_id=f"calendar-subscription:{access.subscription_id}",
            organisation_id=None,
            org_kind=None,
            scopes=frozenset(),
        )
    else:
        caller = await authenticate(request, credentials.credentials if credentials else None)
        if not caller.has("registry:read"):
            raise InsufficientScope("This operation needs the 'registry:read' scope.")
        subject_id = await calendars_service.resolve_subject(session, subject, reference)
        access = calendars_service.access_by_caller(caller)
    settings = request.app.state.settings
    span = calendars_service.window(start, end, settings.calendar_window_days)
    body = await calendars_service.feed(
        session, subject, subject_id, span, access, str(request.base_url)
    )
    etag = calendars_service.etag(body)
    headers = {"ETag": etag, "Cache-Control": "private, max-age=300"}
    if calendars_service.not_modified(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = f'inline; filename="{subject}-{subject_id}.ics"'
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


@router.get(
    "/partnerships/{partnership_id}/meetings.ics",
    operation_id="partnership_calendar_get",
    response_class=Response,
    responses=ICS_RESPONSES,
)
async def partnership_calendar(
    partnership_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    credentials: Credentials,
    token: TokenQuery = None,
    start: FromQuery = None,
    to: ToQuery = None,
) -> Response:
    """The partnership's meetings as an iCalendar feed (bearer token or subscription token)."""
    return await _serve(
        request, session, "partnership", str(partnership_id), token, credentials, start, to
    )


@router.get(
    "/people/{person_id}/meetings.ics",
    operation_id="person_calendar_get",
    response_class=Response,
    responses=ICS_RESPONSES,
)
async def person_calendar(
    person_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    credentials: Credentials,
    token: TokenQuery = None,
    start: FromQuery = None,
    to: ToQuery = None,
) -> Response:
    """Meetings of the partnerships the person sits on or deputises for (while they do), and
    every meeting they attended."""
    return await _serve(request, session, "person", str(person_id), token, credentials, start, to)


@router.get(
    "/organisations/{organisation_id}/meetings.ics",
    operation_id="organisation_calendar_get",
    response_class=Response,
    responses=ICS_RESPONSES,
)
async def organisation_calendar(
    organisation_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    credentials: Credentials,
    token: TokenQuery = None,
    start: FromQuery = None,
    to: ToQuery = None,
) -> Response:
    """Meetings of partnerships the organisation sits on, chairs or runs the secretariat of,
    and meetings its people attended."""
    return await _serve(
        request, session, "organisation", str(organisation_id), token, credentials, start, to
    )


@router.get(
    "/areas/{area}/meetings.ics",
    operation_id="area_calendar_get",
    response_class=Response,
    responses=ICS_RESPONSES,
)
async def area_calendar(
    area: str,
    request: Request,
    session: SessionDep,
    credentials: Credentials,
    token: TokenQuery = None,
    start: FromQuery = None,
    to: ToQuery = None,
) -> Response:
    """Meetings of partnerships whose footprint is the area or lies within it (area id or GSS
    code)."""
    return await _serve(request, session, "area", area, token, credentials, start, to)


@router.post(
    "/calendar-subscriptions", status_code=201, operation_id="calendar_subscriptions_create"
)
async def create_subscription(
    body: SubscriptionCreate, request: Request, session: SessionDep, caller: Reader
) -> SubscriptionCreated:
    """A subscription URL for one feed, to paste into a calendar client. The token in it is
    shown once; revoke it with ``DELETE /v1/calendar-subscriptions/{id}``."""
    return await calendars_service.create_subscription(session, body, caller, str(request.base_url))


@router.get("/calendar-subscriptions", operation_id="calendar_subscriptions_list")
async def list_subscriptions(session: SessionDep, caller: Reader) -> list[SubscriptionRead]:
    """Your organisation's calendar subscriptions (never their tokens)."""
    rows = await calendars_service.list_subscriptions(session, caller)
    return [SubscriptionRead.model_validate(row) for row in rows]


@router.delete(
    "/calendar-subscriptions/{subscription_id}",
    status_code=204,
    operation_id="calendar_subscriptions_revoke",
)
async def revoke_subscription(
    subscription_id: uuid.UUID, session: SessionDep, caller: Reader
) -> Response:
    """Revoke a subscription: its URL stops working at once."""
    await calendars_service.revoke_subscription(session, subscription_id, caller)
    return Response(status_code=204)
