from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Select, select

from convenor_registry.models import Action

OPEN = ("open", "in_progress")


def list_query(
    *,
    status: str | None,
    owner_organisation_id: uuid.UUID | None,
    partnership_id: uuid.UUID | None,
    meeting_id: uuid.UUID | None,
    overdue_on: date | None,
    after: uuid.UUID | None,
    limit: int,
) -> Select[Action]:
    query = select(Action).where(Action.deleted_at.is_(None))
    if status:
        query = query.where(Action.status == status)
    if owner_organisation_id:
        query = query.where(Action.owner_organisation_id == owner_organisation_id)
    if partnership_id:
        query = query.where(Action.partnership_id == partnership_id)
    if meeting_id:
        query = query.where(Action.meeting_id == meeting_id)
    if overdue_on:
        query = query.where(Action.status.in_(OPEN), Action.due_date < overdue_on)
    if after:
        query = query.where(Action.id > after)
    return query.order_by(Action.id).limit(limit + 1)
