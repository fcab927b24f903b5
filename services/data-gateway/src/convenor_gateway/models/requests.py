"""Data requests and the transitions of their state machine."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from convenor_gateway.models.base import Base
from convenor_shared.db import JSONType, UTCDateTime, new_id


class DataRequest(Base):
    __tablename__ = "data_requests"
    __table_args__ = (
        Index("ix_data_requests_requester_status", "requester_organisation_id", "status"),
        Index("ix_data_requests_holder_status", "holder_organisation_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(255))
    requester_organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid())
    holder_organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid())
    # Classifications as the registry gave them when the request was last checked.
    requester_classification: Mapped[str] = mapped_column(String(40))
    holder_classification: Mapped[str] = mapped_column(String(40))
    requesting_officer: Mapped[str | None] = mapped_column(String(300), nullable=True)
    purpose: Mapped[str] = mapped_column(String(60))
    statutory_function: Mapped[str | None] = mapped_column(Text, nullable=True)
    justification: Mapped[str] = mapped_column(Text)
    necessity: Mapped[str] = mapped_column(Text)
    legal_gateways: Mapped[list[str]] = mapped_column(JSONType, default=list)
    lawful_basis: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    data_items: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    identifiability: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    area_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    retention_days: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    agreement_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), nullable=True)
    status: Mapped[str] = mapped_column(String(30))
    reason_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    approved_items: Mapped[list[str] | None] = mapped_column(JSONType, nullable=True)
    check_result: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    catalogue_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    clarification_rounds: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Salt of the hashes of this request's free text in the audit log: erase it and the
    # hashes can no longer be linked to the text.
    audit_salt: Mapped[str] = mapped_column(String(32))


class RequestTransition(Base):
    """One move of a request: who made it, when, why."""

    __tablename__ = "request_transitions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True, default=new_id)
    request_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("data_requests.id"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(30), nullable=True)
    to_status: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_client_id: Mapped[str] = mapped_column(String(255))
    actor_organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), nullable=True)
    reason_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    approved_items: Mapped[list[str] | None] = mapped_column(JSONType, nullable=True)
