"""Meetings (single or in a recurring series), attendance, agenda items, decisions, actions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from convenor_registry.models.base import Base, Record
from convenor_shared.db import JSONType, UTCDateTime


class MeetingSeries(Record, Base):
    __tablename__ = "meeting_series"

    partnership_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("partnerships.id"), index=True
    )
    rrule: Mapped[str] = mapped_column(String(500))
    first_start: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_minutes: Mapped[int] = mapped_column(Integer)


class Meeting(Record, Base):
    __tablename__ = "meetings"

    partnership_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("partnerships.id"), index=True
    )
    series_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("meeting_series.id"), nullable=True, index=True
    )
    title: Mapped[str | None] = mapped_column(String(300), nullable=True)
    start: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    end: Mapped[datetime] = mapped_column(UTCDateTime())
    prep_minutes: Mapped[int] = mapped_column(Integer, default=60)
    mode: Mapped[str] = mapped_column(String(20), default="in_person")
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    purpose: Mapped[str] = mapped_column(String(30), default="decision")
    location: Mapped[str | None] = mapped_column(String(300), nullable=True)
    online_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    support_hours: Mapped[float | None] = mapped_column(nullable=True)
    direct_costs: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), nullable=True)


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True)
    meeting_id: Mapped[uuid.UUID] = mapped_column(Uuid(), ForeignKey("meetings.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid(), ForeignKey("people.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    deputy_for_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("people.id"), nullable=True
    )
    on_behalf_of_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("organisations.id"), nullable=True
    )


class AgendaItem(Record, Base):
    __tablename__ = "agenda_items"

    meeting_id: Mapped[uuid.UUID] = mapped_column(Uuid(), ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    item_type: Mapped[str] = mapped_column(String(20), default="discussion")
    themes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    duration_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The same standing item across meetings shares a key (for stale-item detection).
    recurring_key: Mapped[str | None] = mapped_column(String(100), nullable=True)


class Decision(Record, Base):
    __tablename__ = "decisions"

    meeting_id: Mapped[uuid.UUID] = mapped_column(Uuid(), ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("agenda_items.id"), nullable=True
    )
    text: Mapped[str] = mapped_column(Text)
    themes: Mapped[list[str]] = mapped_column(JSONType, default=list)


class Action(Record, Base):
    __tablename__ = "actions"

    partnership_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("partnerships.id"), index=True
    )
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("meetings.id"), nullable=True, index=True
    )
    decision_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("decisions.id"), nullable=True
    )
    review_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("reviews.id"), nullable=True
    )
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    owner_person_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("people.id"), nullable=True
    )
    owner_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("organisations.id"), nullable=True, index=True
    )
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    completed_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    updates: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
