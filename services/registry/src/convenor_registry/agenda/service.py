"""What a meeting discussed (agenda items) and what it decided (decisions)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry import records
from convenor_registry.agenda import repository
from convenor_registry.agenda.schemas import (
    AgendaItemCreate,
    AgendaItemRead,
    AgendaItemUpdate,
    DecisionCreate,
    DecisionRead,
    DecisionUpdate,
)
from convenor_registry.meetings import service as meetings_service
from convenor_registry.models import AgendaItem, Decision, Meeting
from convenor_shared.auth import Caller
from convenor_shared.problems import NotFound, RuleBroken


class AgendaItemNotFound(NotFound):
    """There is no agenda item with that id."""

    slug = "agenda-item-not-found"


class DecisionNotFound(NotFound):
    """There is no decision with that id."""

    slug = "decision-not-found"


async def _serialise_item(session: AsyncSession, item: AgendaItem) -> dict[str, Any]:
    return AgendaItemRead.model_validate(item).model_dump(mode="json")


async def _serialise_decision(session: AsyncSession, decision: Decision) -> dict[str, Any]:
    return DecisionRead.model_validate(decision).model_dump(mode="json")


ITEM = records.Entity("agenda_item", AgendaItem, AgendaItemNotFound, _serialise_item)
DECISION = records.Entity("decision", Decision, DecisionNotFound, _serialise_decision)


async def list_items(session: AsyncSession, meeting: Meeting) -> list[AgendaItem]:
    return list((await session.execute(repository.items_of(meeting.id))).scalars())


async def get_item(session: AsyncSession, item_id: uuid.UUID) -> AgendaItem:
    return await records.get(session, ITEM, item_id)


async def add_item(
    session: AsyncSession, meeting: Meeting, body: AgendaItemCreate, by: Caller
) -> AgendaItem:
    await meetings_service.ensure_can_manage_meeting(session, meeting, by)
    return await records.add(session, ITEM, body.model_dump() | {"meeting_id": meeting.id}, by)


async def update_item(
    session: AsyncSession, item: AgendaItem, body: AgendaItemUpdate, by: Caller
) -> AgendaItem:
    meeting = await meetings_service.get(session, item.meeting_id)
    await meetings_service.ensure_can_manage_meeting(session, meeting, by)
    return await records.change(session, ITEM, item, body.model_dump(exclude_unset=True), by)


async def delete_item(session: AsyncSession, item: AgendaItem, by: Caller) -> None:
    meeting = await meetings_service.get(session, item.meeting_id)
    await meetings_service.ensure_can_manage_meeting(session, meeting, by)
    await records.remove(session, ITEM, item, by)


async def list_decisions(session: AsyncSession, meeting: Meeting) -> list[Decision]:
    return list((await session.execute(repository.decisions_of(meeting.id))).scalars())


async def get_decision(session: AsyncSession, decision_id: uuid.UUID) -> Decision:
    return await records.get(session, DECISION, decision_id)


async def _check_item(session: AsyncSession, meeting: Meeting, item_id: uuid.UUID | None) -> None:
    if item_id is not None:
        item = await get_item(session, item_id)
        if item.meeting_id != meeting.id:
            raise RuleBroken("agenda_item_id must be an item of the same meeting.")


async def add_decision(
    session: AsyncSession, meeting: Meeting, body: DecisionCreate, by: Caller
) -> Decision:
    await meetings_service.ensure_can_manage_meeting(session, meeting, by)
    await _check_item(session, meeting, body.agenda_item_id)
    return await records.add(session, DECISION, body.model_dump() | {"meeting_id": meeting.id}, by)


async def update_decision(
    session: AsyncSession, decision: Decision, body: DecisionUpdate, by: Caller
) -> Decision:
    meeting = await meetings_service.get(session, decision.meeting_id)
    await meetings_service.ensure_can_manage_meeting(session, meeting, by)
    values = body.model_dump(exclude_unset=True)
    await _check_item(session, meeting, values.get("agenda_item_id"))
    return await records.change(session, DECISION, decision, values, by)


async def delete_decision(session: AsyncSession, decision: Decision, by: Caller) -> None:
    meeting = await meetings_service.get(session, decision.meeting_id)
    await meetings_service.ensure_can_manage_meeting(session, meeting, by)
    await records.remove(session, DECISION, decision, by)
