from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import Field, model_validator

from convenor_gateway.checks.schemas import DataItem, GatewayId, LawfulBasis
from convenor_gateway.vocabularies import AgreementStatus, DpiaStatus, Purpose
from convenor_shared.schemas import ReadModel, RequestModel, WebUrl, cross_field


class AgreementCreate(RequestModel):
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    party_organisation_ids: list[uuid.UUID] = Field(
        min_length=1,
        max_length=50,
        description="The organisations party to it; the caller's organisation is always one",
    )
    purposes: list[Purpose] = Field(min_length=1, max_length=20)
    legal_gateways: list[GatewayId] = Field(min_length=1, max_length=20)
    data_items: list[DataItem] = Field(default_factory=list, max_length=200)
    lawful_basis: LawfulBasis | None = None
    retention_days: int | None = Field(default=None, ge=1, le=36_500)
    dpia_reference: str | None = Field(default=None, max_length=200)
    dpia_status: DpiaStatus = "not_started"
    review_date: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: AgreementStatus = "draft"
    document_url: WebUrl | None = None

    @model_validator(mode="after")
    def dates_in_order(self) -> AgreementCreate:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise cross_field("end_date is before start_date")
        return self


class AgreementUpdate(RequestModel):
    not_clearable = frozenset(
        {
            "title",
            "party_organisation_ids",
            "purposes",
            "legal_gateways",
            "data_items",
            "dpia_status",
            "status",
        }
    )
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    party_organisation_ids: list[uuid.UUID] | None = Field(
        default=None, min_length=1, max_length=50
    )
    purposes: list[Purpose] | None = Field(default=None, min_length=1, max_length=20)
    legal_gateways: list[GatewayId] | None = Field(default=None, min_length=1, max_length=20)
    data_items: list[DataItem] | None = Field(default=None, max_length=200)
    lawful_basis: LawfulBasis | None = None
    retention_days: int | None = Field(default=None, ge=1, le=36_500)
    dpia_reference: str | None = Field(default=None, max_length=200)
    dpia_status: DpiaStatus | None = None
    review_date: date | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: AgreementStatus | None = None
    document_url: WebUrl | None = None


class AgreementRead(ReadModel):
    id: uuid.UUID
    version: int
    created_at: datetime
    updated_at: datetime
    created_by: str
    owner_organisation_id: uuid.UUID
    title: str
    description: str | None
    party_organisation_ids: list[uuid.UUID]
    purposes: list[str]
    legal_gateways: list[str]
    data_items: list[dict[str, Any]]
    lawful_basis: dict[str, Any] | None
    retention_days: int | None
    dpia_reference: str | None
    dpia_status: str
    review_date: date | None
    start_date: date | None
    end_date: date | None
    status: str
    document_url: str | None
