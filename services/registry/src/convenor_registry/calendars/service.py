"""iCalendar feeds of meetings per partnership, person, organisation and area, and the
subscription tokens that let calendar clients fetch them.

Calendar clients (Outlook, Google, Apple) fetch a URL and cannot send a bearer token. So an
authenticated caller creates a *subscription* (``POST /v1/calendar-subscriptions``) and gets a
URL carrying an unguessable token (256 random bits). The registry keeps only the token's
SHA-256, as it does for client secrets. A subscription is good for one feed only, can be
revoked, can expire, and stops working when the API client that made it is revoked. Feeds
fetched with a subscription token never show email addresses (a URL is easier to leak than a
token); feeds fetched with a bearer token show them to callers with ``registry:write``.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.areas import service as areas_service
from convenor_registry.calendars import ics, repository
from convenor_registry.calendars.schemas import (
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
)
from convenor_registry.landscape import service as landscape_service
from convenor_registry.models import CalendarSubscription, Meeting, Membership
from convenor_registry.organisations import service as organisations_service
from convenor_registry.partnerships import service as partnerships_service
from convenor_registry.people import service as people_service
from convenor_shared.auth import Caller
from convenor_shared.db import new_id, utcnow
from convenor_shared.problems import NotFound, RuleBroken, Unauthorized

TOKEN_PREFIX = "cvcal_"  # noqa: S105 (not a secret) lets secret scanners recognise a leaked subscription URL
PATHS = {
    "partnership": "partnerships",
    "person": "people",
    "organisation": "organisations",
    "area": "areas",
}


class SubscriptionNotFound(NotFound):
    """There is no calendar subscription with that id among yours."""

    slug = "calendar-subscription-not-found"


class SubscriptionInvalid(Unauthorized):
    """The calendar subscription token is unknown, revoked or expired, or belongs to another
    feed. Create a new subscription with ``POST /v1/calendar-subscriptions``."""

    slug = "calendar-subscription-invalid"


@dataclass(frozen=True)
class FeedAccess:
    """How a feed request was authorised, and what it may show."""

    show_contacts: bool
    subscription_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def access_by_token(
    session: AsyncSession, token: str, subject: str, subject_id: uuid.UUID
) -> FeedAccess:
    """A subscription token, checked: known, live, its client live, and for this feed."""
    found = await repository.subscription_by_hash(session, hash_token(token))
    now = utcnow()
    if found is None:
        raise SubscriptionInvalid("The calendar subscription token is not valid.")
    subscription, client_revoked_at = found
    if (
        subscription.revoked_at is not None
        or client_revoked_at is not None
        or (subscription.expires_at is not None and subscription.expires_at <= now)
    ):
        raise SubscriptionInvalid("The calendar subscription has been revoked or has expired.")
    if subscription.subject != subject or subscription.subject_id != subject_id:
        raise SubscriptionInvalid("The calendar subscription is for another feed.")
    return FeedAccess(show_contacts=False, subscription_id=subscription.id)


def access_by_caller(caller: Caller) -> FeedAccess:
    return FeedAccess(show_contacts=caller.has("registry:write"))


def _instant(value: str, name: str) -> datetime:
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise RuleBroken(f"{name} must be an ISO 8601 date or date-time.") from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def window(start: str | None, end: str | None, window_days: int) -> Window:
    """``from``/``to`` if given, else ``window_days`` either side of now; never wider than
    twice ``window_days`` so that a feed stays bounded."""
    span = timedelta(days=window_days)
    lower = _instant(start, "from") if start else None
    upper = _instant(end, "to") if end else None
    if lower is None and upper is None:
        now = utcnow()
        lower, upper = now - span, now + span
    elif lower is None:
        assert upper is not None
        lower = upper - 2 * span
    elif upper is None:
        upper = lower + 2 * span
    if upper <= lower:
        raise RuleBroken("to must be after from.")
    if upper - lower > 2 * span:
        raise RuleBroken(f"The window may span at most {2 * window_days} days.")
    return Window(lower, upper)


async def resolve_subject(session: AsyncSession, subject: str, reference: str) -> uuid.UUID:
    """The id of the feed's subject; a missing one is that entity's 404."""
    if subject == "area":
        return (await areas_service.resolve(session, reference)).id
    try:
        subject_id = uuid.UUID(reference)
    except ValueError as exc:
        raise RuleBroken(f"subject_id must be a {subject} id.") from exc
    getter = {
        "partnership": partnerships_service.get,
        "person": people_service.get,
        "organisation": organisations_service.get,
    }[subject]
    await getter(session, subject_id)
    return subject_id


def _covers(membership: Membership, on: date) -> bool:
    return (membership.start_date is None or membership.start_date <= on) and (
        membership.end_date is None or membership.end_date >= on
    )


async def _meetings_for(
    session: AsyncSession, subject: str, subject_id: uuid.UUID, span: Window
) -> tuple[str, list[Meeting]]:
    """The feed's title and its meetings in the window."""
    partnership_ids: set[uuid.UUID] = set()
    meeting_ids: set[uuid.UUID] = set()
    held: dict[uuid.UUID, list[Membership]] = {}
    if subject == "partnership":
        name = (await partnerships_service.get(session, subject_id)).name
        partnership_ids.add(subject_id)
    elif subject == "person":
        name = (await people_service.get(session, subject_id)).name
        dialect = session.get_bind().dialect.name
        for membership in await repository.memberships_of_person(session, subject_id, dialect):
            held.setdefault(membership.partnership_id, []).append(membership)
        partnership_ids.update(held)
        meeting_ids = await repository.meetings_attended_by_person(session, subject_id)
    elif subject == "organisation":
        name = (await organisations_service.get(session, subject_id)).name
        partnership_ids = await repository.partnerships_of_organisation(session, subject_id)
        meeting_ids = await repository.meetings_attended_for_organisation(session, subject_id)
    else:
        within = await landscape_service.scope(session, str(subject_id))
        name = within.area.name
        partnership_ids = {p.id for p in await landscape_service.partnerships_in(session, within)}
    found = await repository.meetings(
        session,
        partnership_ids=sorted(partnership_ids),
        meeting_ids=sorted(meeting_ids),
        start_from=span.start,
        start_to=span.end,
    )
    if held:  # a person's boards count only while they sit on them
        found = [
            m
            for m in found
            if m.id in meeting_ids
            or any(_covers(ms, m.start.date()) for ms in held.get(m.partnership_id, []))
        ]
    return name, found


async def feed(
    session: AsyncSession,
    subject: str,
    subject_id: uuid.UUID,
    span: Window,
    access: FeedAccess,
    base_url: str,
) -> bytes:
    """The calendar of the subject's meetings in ``span``, as iCalendar bytes."""
    name, meetings = await _meetings_for(session, subject, subject_id, span)
    meeting_ids = [m.id for m in meetings]
    partnership_ids = sorted({m.partnership_id for m in meetings})
    partnerships = await repository.partnerships(session, partnership_ids)
    attendance = await repository.attendance(session, meeting_ids)
    memberships = await repository.memberships(session, partnership_ids)
    person_ids: set[uuid.UUID] = set()
    for rows in attendance.values():
        for row in rows:
            person_ids.add(row.person_id)
            if row.deputy_for_id:
                person_ids.add(row.deputy_for_id)
    for members in memberships.values():
        person_ids.update(m.person_id for m in members if m.person_id)
    stewards = {
        org
        for p in partnerships.values()
        for org in (p.secretariat_organisation_id, p.chair_organisation_id)
        if org
    }
    data = ics.FeedData(
        name=name,
        base_url=base_url,
        meetings=meetings,
        partnerships=partnerships,
        organisations=await repository.organisations(session, stewards),
        people=await repository.people(session, person_ids),
        attendance=attendance,
        themes=await repository.agenda_themes(session, meeting_ids),
        memberships=memberships,
        show_contacts=access.show_contacts,
    )
    return ics.render(data)


def etag(body: bytes) -> str:
    return f'"ics-{hashlib.sha256(body).hexdigest()[:40]}"'


def not_modified(if_none_match: str | None, current: str) -> bool:
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or current in tags


def _feed_url(base_url: str, subject: str, subject_id: uuid.UUID, token: str) -> str:
    return f"{base_url.rstrip('/')}/v1/{PATHS[subject]}/{subject_id}/meetings.ics?token={token}"


async def create_subscription(
    session: AsyncSession, body: SubscriptionCreate, by: Caller, base_url: str
) -> SubscriptionCreated:
    subject_id = await resolve_subject(session, body.subject, body.subject_id)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    subscription = CalendarSubscription(
        id=new_id(),
        token_hash=hash_token(token),
        subject=body.subject,
        subject_id=subject_id,
        name=body.name,
        client_id=by.client_id,
        organisation_id=by.organisation_id,
        created_at=now,
        expires_at=now + timedelta(days=body.expires_in_days) if body.expires_in_days else None,
    )
    session.add(subscription)
    await session.flush()
    url = _feed_url(base_url, body.subject, subject_id, token)
    return SubscriptionCreated(
        **SubscriptionRead.model_validate(subscription).model_dump(),
        url=url,
        webcal_url="webcal://" + url.split("://", 1)[1],
        token=token,
    )


async def list_subscriptions(session: AsyncSession, by: Caller) -> list[CalendarSubscription]:
    query = repository.subscriptions_of(by.client_id, by.organisation_id)
    return list((await session.execute(query)).scalars())


async def revoke_subscription(
    session: AsyncSession, subscription_id: uuid.UUID, by: Caller
) -> CalendarSubscription:
    """Revoke one of your organisation's subscriptions (an administrator: anyone's)."""
    subscription = await session.get(CalendarSubscription, subscription_id)
    mine = subscription is not None and (
        by.is_admin
        or (by.organisation_id is not None and subscription.organisation_id == by.organisation_id)
        or (by.organisation_id is None and subscription.client_id == by.client_id)
    )
    if subscription is None or not mine:
        raise SubscriptionNotFound(f"No calendar subscription {subscription_id} of yours.")
    if subscription.revoked_at is None:
        subscription.revoked_at = utcnow()
    return subscription
