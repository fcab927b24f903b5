"""Strategies, their priorities, and alignment of priorities to the Police and Crime Plan; and
reviews of partnerships."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from convenor_registry.models.base import Base, Record
from convenor_shared.db import JSONType


class Strategy(Record, Base):
    __tablename__ = "strategies"

    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    owner_partnership_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("partnerships.id"), nullable=True, index=True
    )
    owner_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("organisations.id"), nullable=True, index=True
    )
    joint_owner_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    period_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    url: Mapped[str | None] = mapped_column(String(500), nullable=True)


class Priority(Record, Base):
    __tablename__ = "priorities"

    strategy_id: Mapped[uuid.UUID] = mapped_column(Uuid(), ForeignKey("strategies.id"), index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("priorities.id"), nullable=True
    )
    title: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, default=0)
    themes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Ids of Police and Crime Plan priorities this priority serves (Rec 2).
    aligned_to_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)


class Review(Record, Base):
    __tablename__ = "reviews"

    partnership_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("partnerships.id"), index=True
    )
    review_date: Mapped[date] = mapped_column(Date)
    reviewer: Mapped[str | None] = mapped_column(String(300), nullable=True)
    criteria: Mapped[list[str]] = mapped_column(JSONType, default=list)
    outcome: Mapped[str] = mapped_column(String(20))
    merge_into_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("partnerships.id"), nullable=True
    )
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
