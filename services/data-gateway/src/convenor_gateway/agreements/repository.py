from __future__ import annotations

import uuid

from sqlalchemy import Select, select

from convenor_gateway.models import Agreement
from convenor_shared.db import json_array_contains


def of_party(
    organisation_id: uuid.UUID,
    *,
    dialect: str,
    status: str | None,
    after: uuid.UUID | None,
    limit: int,
) -> Select[Agreement]:
    query = select(Agreement).where(
        Agreement.deleted_at.is_(None),
        json_array_contains(Agreement.party_organisation_ids, str(organisation_id), dialect),
    )
    if status:
        query = query.where(Agreement.status == status)
    if after:
        query = query.where(Agreement.id > after)
    return query.order_by(Agreement.id).limit(limit + 1)
