"""Partnerships, their footprint, typed relations, terms of reference and memberships."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from convenor_registry.models.base import Base, Record
from convenor_shared.db import JSONType


class Partnership(Record, Base):
    __tablename__ = "partnerships"

    name: Mapped[str] = mapped_column(String(300), index=True)
    short_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    type: Mapped[str] = mapped_column(String(40), index=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    statutory: Mapped[bool] = mapped_column(Boolean, default=False)
    statutory_basis_citation: Mapped[str | None] = mapped_column(String(300), nullable=True)
    statutory_basis_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("partnerships.id"), nullable=True, index=True
    )
    chair_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("organisations.id"), nullable=True
    )
    secretariat_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("organisations.id"), nullable=True
    )
    themes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    established_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    ended_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    review_cycle_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_reviewed_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    meetings_per_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    annual_support_cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)


class PartnershipArea(Base):
    """The footprint: the areas a partnership covers."""

    __tablename__ = "partnership_areas"

    partnership_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("partnerships.id"), primary_key=True
    )
    area_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("areas.id"), primary_key=True, index=True
    )


class PartnershipRelation(Record, Base):
    """A typed, dated relation: reports_to, sub_group_of, merged_into, replaced_by."""

    __tablename__ = "partnership_relations"

    partnership_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("partnerships.id"), index=True
    )
    type: Mapped[str] = mapped_column(String(20))
    related_partnership_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("partnerships.id"), index=True
    )
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class TermsOfReference(Record, Base):
    """One version of a partnership's terms of reference."""

    __tablename__ = "terms_of_reference"

    partnership_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("partnerships.id"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    adopted_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    review_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)


class Membership(Record, Base):
    __tablename__ = "memberships"

    partnership_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("partnerships.id"), index=True
    )
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("people.id"), nullable=True, index=True
    )
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("organisations.id"), nullable=True, index=True
    )
    on_behalf_of_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("organisations.id"), nullable=True
    )
    role: Mapped[str] = mapped_column(String(20), default="member")
    voting: Mapped[bool] = mapped_column(Boolean, default=True)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    deputy_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
