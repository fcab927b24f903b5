from __future__ import annotations

import uuid

from sqlalchemy import Select, select

from convenor_registry.models import AgendaItem, Decision


def items_of(meeting_id: uuid.UUID) -> Select[AgendaItem]:
    return (
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting_id, AgendaItem.deleted_at.is_(None))
        .order_by(AgendaItem.position, AgendaItem.id)
    )


def decisions_of(meeting_id: uuid.UUID) -> Select[Decision]:
    return (
        select(Decision)
        .where(Decision.meeting_id == meeting_id, Decision.deleted_at.is_(None))
        .order_by(Decision.id)
    )
