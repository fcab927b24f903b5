from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from pydantic import Field, model_validator

from convenor_registry.vocabularies import (
    PartnershipStatus,
    PartnershipType,
    RelationType,
    Theme,
)
from convenor_shared.schemas import RecordRead, RequestModel, WebUrl, cross_field


class PartnershipCreate(RequestModel):
    name: str = Field(min_length=1, max_length=300)
    short_name: str | None = Field(default=None, max_length=100)
    type: PartnershipType
    description: str | None = Field(default=None, max_length=10_000)
    statutory: bool = False
    statutory_basis_citation: str | None = Field(
        default=None, max_length=300, examples=["Crime and Disorder Act 1998 s5"]
    )
    statutory_basis_url: WebUrl | None = None
    footprint_area_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    parent_id: uuid.UUID | None = None
    chair_organisation_id: uuid.UUID | None = None
    secretariat_organisation_id: uuid.UUID | None = None
    themes: list[Theme] = Field(default_factory=list, max_length=20)
    status: PartnershipStatus = "active"
    established_date: date | None = None
    ended_date: date | None = None
    review_cycle_months: int | None = Field(default=None, ge=1, le=120)
    last_reviewed_date: date | None = None
    meetings_per_year: int | None = Field(default=None, ge=0, le=366)
    annual_support_cost: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)

    @model_validator(mode="after")
    def dates_in_order(self) -> PartnershipCreate:
        if self.ended_date and self.established_date and self.ended_date < self.established_date:
            raise cross_field("ended_date is before established_date")
        return self


class PartnershipUpdate(RequestModel):
    not_clearable = frozenset(
        {"name", "type", "statutory", "footprint_area_ids", "themes", "status"}
    )
    name: str | None = Field(default=None, min_length=1, max_length=300)
    short_name: str | None = Field(default=None, max_length=100)
    type: PartnershipType | None = None
    description: str | None = Field(default=None, max_length=10_000)
    statutory: bool | None = None
    statutory_basis_citation: str | None = Field(default=None, max_length=300)
    statutory_basis_url: WebUrl | None = None
    footprint_area_ids: list[uuid.UUID] | None = Field(default=None, max_length=500)
    parent_id: uuid.UUID | None = None
    chair_organisation_id: uuid.UUID | None = None
    secretariat_organisation_id: uuid.UUID | None = None
    themes: list[Theme] | None = Field(default=None, max_length=20)
    status: PartnershipStatus | None = None
    established_date: date | None = None
    ended_date: date | None = None
    review_cycle_months: int | None = Field(default=None, ge=1, le=120)
    last_reviewed_date: date | None = None
    meetings_per_year: int | None = Field(default=None, ge=0, le=366)
    annual_support_cost: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)


class PartnershipRead(RecordRead):
    name: str
    short_name: str | None
    type: str
    description: str | None
    statutory: bool
    statutory_basis_citation: str | None
    statutory_basis_url: str | None
    footprint_area_ids: list[uuid.UUID] = Field(default_factory=list)
    parent_id: uuid.UUID | None
    chair_organisation_id: uuid.UUID | None
    secretariat_organisation_id: uuid.UUID | None
    themes: list[str]
    status: str
    established_date: date | None
    ended_date: date | None
    review_cycle_months: int | None
    last_reviewed_date: date | None
    next_review_due: date | None = Field(
        default=None, description="last review (or establishment) plus the review cycle"
    )
    meetings_per_year: int | None
    annual_support_cost: Decimal | None


class RelationCreate(RequestModel):
    type: RelationType
    related_partnership_id: uuid.UUID
    start_date: date | None = None
    end_date: date | None = None


class RelationRead(RecordRead):
    partnership_id: uuid.UUID
    type: str
    related_partnership_id: uuid.UUID
    start_date: date | None
    end_date: date | None


class TermsOfReferenceCreate(RequestModel):
    title: str = Field(min_length=1, max_length=300)
    adopted_date: date | None = None
    review_date: date | None = None
    url: WebUrl | None = None
    text: str | None = Field(default=None, max_length=200_000)


class TermsOfReferenceRead(RecordRead):
    partnership_id: uuid.UUID
    number: int
    title: str
    adopted_date: date | None
    review_date: date | None
    url: str | None
    text: str | None
