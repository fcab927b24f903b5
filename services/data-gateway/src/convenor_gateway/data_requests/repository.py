from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, or_, select

from convenor_gateway.models import DataRequest, RequestTransition


def visible_to(organisation_id: uuid.UUID, role: str | None) -> ColumnElement[bool]:
    as_requester = DataRequest.requester_organisation_id == organisation_id
    # A request reaches the holder when it is submitted: never, for a draft withdrawn unsent.
    as_holder = and_(
        DataRequest.holder_organisation_id == organisation_id,
        DataRequest.submitted_at.is_not(None),
    )
    if role == "requester":
        return as_requester
    if role == "holder":
        return as_holder
    return or_(as_requester, as_holder)


def list_query(
    organisation_id: uuid.UUID,
    *,
    role: str | None,
    status: str | None,
    after: uuid.UUID | None,
    limit: int,
) -> Select[DataRequest]:
    query = select(DataRequest).where(visible_to(organisation_id, role))
    if status:
        query = query.where(DataRequest.status == status)
    if after:
        query = query.where(DataRequest.id > after)
    return query.order_by(DataRequest.id).limit(limit + 1)


def history(request_id: uuid.UUID) -> Select[RequestTransition]:
    return (
        select(RequestTransition)
        .where(RequestTransition.request_id == request_id)
        .order_by(RequestTransition.at, RequestTransition.id)
    )


def overdue(today: date, statuses: Sequence[str], limit: int) -> Select[DataRequest]:
    return (
        select(DataRequest)
        .where(DataRequest.status.in_(statuses), DataRequest.due_date < today)
        .order_by(DataRequest.id)
        .limit(limit)
    )


def delivered(limit: int, after: uuid.UUID | None) -> Select[DataRequest]:
    query = select(DataRequest).where(DataRequest.status == "delivered")
    if after:
        query = query.where(DataRequest.id > after)
    return query.order_by(DataRequest.id).limit(limit)
