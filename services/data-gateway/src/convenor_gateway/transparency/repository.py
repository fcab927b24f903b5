from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select

from convenor_gateway.models import DataRequest


def submitted(period_from: date | None, period_to: date | None) -> Select[DataRequest]:
    query = select(DataRequest).where(DataRequest.submitted_at.is_not(None))
    if period_from:
        query = query.where(DataRequest.submitted_at >= datetime.combine(period_from, time(), UTC))
    if period_to:
        end = datetime.combine(period_to + timedelta(days=1), time(), UTC)
        query = query.where(DataRequest.submitted_at < end)
    return query
