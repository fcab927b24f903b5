"""The gateway's change feed (``GET /v1/changes``): what analytics needs to measure data
sharing, and nothing of the data shared (docs/change-feeds.md). No justification text, no
data items' descriptions, no payloads."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.models import Agreement, Change, DataRequest, RequestTransition
from convenor_shared.outbox import ChangeFeed
from convenor_shared.transactions import before_commit

feed = ChangeFeed(Change)
_TOUCHED = "gateway.touched"
_TRANSITIONS = "gateway.transitions"


def _json(values: dict[str, Any]) -> dict[str, Any]:
    jsonable: dict[str, Any] = to_jsonable_python(values)
    return jsonable


def request_data(request: DataRequest) -> dict[str, Any]:
    return _json(
        {
            "requester_organisation_id": request.requester_organisation_id,
            "holder_organisation_id": request.holder_organisation_id,
            "purpose": request.purpose,
            "legal_gateways": list(request.legal_gateways),
            "identifiability": request.identifiability,
            "data_categories": sorted({item["category"] for item in request.data_items}),
            "agreement_id": request.agreement_id,
            "status": request.status,
            "reason_code": request.reason_code if request.status == "refused" else None,
            "due_date": request.due_date,
            "retention_days": request.retention_days,
            "created_at": request.created_at,
            "submitted_at": request.submitted_at,
            "acknowledged_at": request.acknowledged_at,
            "decided_at": request.decided_at,
            "delivered_at": request.delivered_at,
            "closed_at": request.closed_at,
            "clarification_rounds": request.clarification_rounds,
        }
    )


def transition_data(transition: RequestTransition) -> dict[str, Any]:
    return _json(
        {
            "request_id": transition.request_id,
            "from_status": transition.from_status,
            "to_status": transition.to_status,
            "at": transition.at,
            "actor_organisation_id": transition.actor_organisation_id,
            "reason_code": transition.reason_code,
        }
    )


def agreement_data(agreement: Agreement) -> dict[str, Any]:
    return _json(
        {
            "party_organisation_ids": list(agreement.party_organisation_ids),
            "purposes": list(agreement.purposes),
            "legal_gateways": list(agreement.legal_gateways),
            "status": agreement.status,
            "dpia_status": agreement.dpia_status,
            "review_date": agreement.review_date,
            "start_date": agreement.start_date,
            "end_date": agreement.end_date,
        }
    )


def publish(session: AsyncSession, entity: str, record: DataRequest | Agreement) -> None:
    """Put a request or agreement on the feed as it is when the transaction commits (once).

    Nothing is written until the commit hook runs, and then ``feed.record`` queues the rows
    for the feed's own hook, which runs after the hooks registered before it (the audit
    append), so the write lock is taken as late as possible."""
    touched: dict[tuple[str, uuid.UUID], DataRequest | Agreement] = session.info.setdefault(
        _TOUCHED, {}
    )
    touched[(entity, record.id)] = record
    before_commit(session, "gateway.publish", _publish_touched)


def publish_transition(session: AsyncSession, transition: RequestTransition) -> None:
    """Put a transition on the feed when the transaction commits (after the request's own)."""
    pending: list[RequestTransition] = session.info.setdefault(_TRANSITIONS, [])
    pending.append(transition)
    before_commit(session, "gateway.publish", _publish_touched)


def publish_deleted(session: AsyncSession, entity: str, record_id: uuid.UUID) -> None:
    session.info.get(_TOUCHED, {}).pop((entity, record_id), None)
    feed.record(session, entity, record_id, "delete", None)


async def _publish_touched(session: AsyncSession) -> None:
    touched: dict[tuple[str, uuid.UUID], DataRequest | Agreement] = session.info.pop(_TOUCHED, {})
    for (entity, record_id), record in touched.items():
        if isinstance(record, DataRequest):
            feed.record(session, entity, record_id, "upsert", request_data(record))
        else:
            feed.record(session, entity, record_id, "upsert", agreement_data(record))
    for transition in session.info.pop(_TRANSITIONS, []):
        feed.record(
            session, "request_transition", transition.id, "upsert", transition_data(transition)
        )
