"""The action log (Rec 8): who owes what by when, and whether it was done."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry import records
from convenor_registry.actions import repository
from convenor_registry.actions.schemas import ActionCreate, ActionRead, ActionUpdate
from convenor_registry.agenda import service as agenda_service
from convenor_registry.meetings import service as meetings_service
from convenor_registry.models import Action, Meeting, Partnership, Review
from convenor_registry.organisations import service as organisations_service
from convenor_registry.partnerships import service as partnerships_service
from convenor_registry.people import service as people_service
from convenor_registry.permissions import ensure_can_manage
from convenor_shared.auth import Caller
from convenor_shared.db import utcnow
from convenor_shared.pagination import PageParams, page_of
from convenor_shared.problems import NotFound, RuleBroken


class ActionNotFound(NotFound):
    """There is no action with that id."""

    slug = "action-not-found"


def today() -> date:
    return utcnow().date()


def read(action: Action, on: date | None = None) -> ActionRead:
    model = ActionRead.model_validate(action)
    model.overdue = (
        action.status in repository.OPEN
        and action.due_date is not None
        and action.due_date < (on or today())
    )
    return model


async def _serialise(session: AsyncSession, action: Action) -> dict[str, Any]:
    return read(action).model_dump(mode="json", exclude={"overdue"})


ENTITY = records.Entity("action", Action, ActionNotFound, _serialise)


async def get(session: AsyncSession, action_id: uuid.UUID) -> Action:
    return await records.get(session, ENTITY, action_id)


async def list_actions(
    session: AsyncSession,
    page: PageParams,
    *,
    status: str | None = None,
    owner_organisation_id: uuid.UUID | None = None,
    partnership_id: uuid.UUID | None = None,
    meeting_id: uuid.UUID | None = None,
    overdue: bool | None = None,
) -> tuple[list[Action], str | None]:
    query = repository.list_query(
        status=status,
        owner_organisation_id=owner_organisation_id,
        partnership_id=partnership_id,
        meeting_id=meeting_id,
        overdue_on=today() if overdue else None,
        after=page.after_id(),
        limit=page.limit,
    )
    rows = list((await session.execute(query)).scalars())
    return page_of(rows, page.limit, lambda row: {"id": str(row.id)})


async def _check(session: AsyncSession, values: dict[str, Any], meeting: Meeting | None) -> None:
    if values.get("owner_person_id"):
        await people_service.get(session, values["owner_person_id"])
    if values.get("owner_organisation_id"):
        await organisations_service.get(session, values["owner_organisation_id"])
    if values.get("decision_id"):
        decision = await agenda_service.get_decision(session, values["decision_id"])
        if meeting is None or decision.meeting_id != meeting.id:
            raise RuleBroken("decision_id must be a decision of the same meeting.")
    if values.get("review_id"):
        review = await session.get(Review, values["review_id"])
        if review is None or review.deleted_at is not None:
            raise RuleBroken("review_id names no review.")


def _completion(values: dict[str, Any], current: Action | None = None) -> dict[str, Any]:
    """Done means a completed date (today unless given); reopening clears it."""
    status = values.get("status", current.status if current else "open")
    if status == "done":
        if values.get("completed_date") is None and (
            current is None or current.completed_date is None
        ):
            values["completed_date"] = today()
    elif "status" in values:
        values["completed_date"] = None
    elif values.get("completed_date") is not None:
        raise RuleBroken("completed_date applies to an action that is done.")
    return values


async def create(
    session: AsyncSession,
    partnership: Partnership,
    body: ActionCreate,
    by: Caller,
    *,
    meeting: Meeting | None = None,
) -> Action:
    ensure_can_manage(by, partnership)
    values = _completion(body.model_dump())
    await _check(session, values, meeting)
    values |= {"partnership_id": partnership.id, "meeting_id": meeting.id if meeting else None}
    return await records.add(session, ENTITY, values, by)


async def create_for_meeting(
    session: AsyncSession, meeting: Meeting, body: ActionCreate, by: Caller
) -> Action:
    partnership = await meetings_service.partnership_of(session, meeting)
    return await create(session, partnership, body, by, meeting=meeting)


async def update(session: AsyncSession, action: Action, body: ActionUpdate, by: Caller) -> Action:
    ensure_can_manage(by, await partnerships_service.get(session, action.partnership_id))
    values = _completion(body.model_dump(exclude_unset=True), action)
    await _check(session, values, None)
    return await records.change(session, ENTITY, action, values, by)


async def add_note(session: AsyncSession, action: Action, text: str, by: Caller) -> Action:
    """Append a progress update to the action's log."""
    ensure_can_manage(by, await partnerships_service.get(session, action.partnership_id))
    note = {"at": utcnow().isoformat(), "by": by.client_id, "text": text}
    return await records.change(session, ENTITY, action, {"updates": [*action.updates, note]}, by)


async def delete(session: AsyncSession, action: Action, by: Caller) -> None:
    ensure_can_manage(by, await partnerships_service.get(session, action.partnership_id))
    await records.remove(session, ENTITY, action, by)
