from __future__ import annotations

import uuid

from sqlalchemy import Select, select

from convenor_registry.models import Area


def list_query(
    *,
    classification: str | None,
    gss_code: str | None,
    parent_id: uuid.UUID | None,
    after: uuid.UUID | None,
    limit: int,
) -> Select[Area]:
    query = select(Area).where(Area.deleted_at.is_(None))
    if classification:
        query = query.where(Area.classification == classification)
    if gss_code:
        query = query.where(Area.gss_code == gss_code.upper())
    if parent_id:
        query = query.where(Area.parent_id == parent_id)
    if after:
        query = query.where(Area.id > after)
    return query.order_by(Area.id).limit(limit + 1)


def by_gss_code(code: str) -> Select[Area]:
    return select(Area).where(Area.gss_code == code.upper(), Area.deleted_at.is_(None))
