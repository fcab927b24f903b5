"""What the audit log says about a request and its moves: the records whose hashes its entries
carry (``request_hash``, ``transition_hash``), and which an evidence bundle shows in full.

Records hold identifiers, codes, dates and salted hashes of free text, never the text itself,
so a bundle can be handed on without disclosing the justification or the reasons given. Each
is a plain JSON object (no floats) whose RFC 8785 bytes are hashed; building one again from the
stored rows gives the same bytes, which is what lets a bundle be checked against the log.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from convenor_gateway.audit import chain
from convenor_gateway.models import DataRequest, RequestTransition

RECORD_VERSION = 1


def timestamp(at: datetime | None) -> str | None:
    """RFC 3339 UTC with microseconds and ``Z``, or None."""
    if at is None:
        return None
    return at.isoformat(timespec="microseconds").replace("+00:00", "Z")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _digest(salt: str, text: str | None) -> str | None:
    return chain.text_digest(salt, text) if text else None


def request_record(request: DataRequest) -> dict[str, Any]:
    """The request as the log records it (its free text as salted hashes)."""
    salt = request.audit_salt
    return {
        "v": RECORD_VERSION,
        "id": str(request.id),
        "version": request.version,
        "status": request.status,
        "requester_organisation_id": str(request.requester_organisation_id),
        "holder_organisation_id": str(request.holder_organisation_id),
        "requester_classification": request.requester_classification,
        "holder_classification": request.holder_classification,
        "purpose": request.purpose,
        "legal_gateways": list(request.legal_gateways),
        "lawful_basis": dict(request.lawful_basis or {}),
        "data_items": [
            {
                "name": item["name"],
                "category": item["category"],
                "description_sha256": _digest(salt, item.get("description")),
            }
            for item in request.data_items
        ],
        "identifiability": request.identifiability,
        "period_start": _day(request.period_start),
        "period_end": _day(request.period_end),
        "area_ids": [str(a) for a in request.area_ids or []],
        "retention_days": request.retention_days,
        "due_date": _day(request.due_date),
        "agreement_id": str(request.agreement_id) if request.agreement_id else None,
        "reason_code": request.reason_code,
        "approved_items": list(request.approved_items)
        if request.approved_items is not None
        else None,
        "catalogue_version": request.catalogue_version,
        "clarification_rounds": request.clarification_rounds,
        "created_at": timestamp(request.created_at),
        "submitted_at": timestamp(request.submitted_at),
        "acknowledged_at": timestamp(request.acknowledged_at),
        "decided_at": timestamp(request.decided_at),
        "delivered_at": timestamp(request.delivered_at),
        "closed_at": timestamp(request.closed_at),
        "requesting_officer_sha256": _digest(salt, request.requesting_officer),
        "statutory_function_sha256": _digest(salt, request.statutory_function),
        "justification_sha256": _digest(salt, request.justification),
        "necessity_sha256": _digest(salt, request.necessity),
    }


def transition_record(transition: RequestTransition, salt: str) -> dict[str, Any]:
    """One move of a request as the log records it."""
    return {
        "v": RECORD_VERSION,
        "id": str(transition.id),
        "request_id": str(transition.request_id),
        "from": transition.from_status,
        "to": transition.to_status,
        "at": timestamp(transition.at),
        "actor_client_id": transition.actor_client_id,
        "actor_organisation_id": str(transition.actor_organisation_id)
        if transition.actor_organisation_id
        else None,
        "reason_code": transition.reason_code,
        "reason_sha256": _digest(salt, transition.reason),
        "approved_items": list(transition.approved_items)
        if transition.approved_items is not None
        else None,
    }


def request_hash(request: DataRequest) -> str:
    return chain.record_hash(request_record(request))


def transition_hash(transition: RequestTransition, salt: str) -> str:
    return chain.record_hash(transition_record(transition, salt))
