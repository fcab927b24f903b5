from __future__ import annotations

import uuid

from sqlalchemy import Select, select

from convenor_registry.models import Person


def list_query(
    *, organisation_id: uuid.UUID | None, name: str | None, after: uuid.UUID | None, limit: int
) -> Select[Person]:
    query = select(Person).where(Person.deleted_at.is_(None))
    if organisation_id:
        query = query.where(Person.organisation_id == organisation_id)
    if name:
        query = query.where(Person.name.ilike(f"%{name}%"))
    if after:
        query = query.where(Person.id > after)
    return query.order_by(Person.id).limit(limit + 1)
