from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, Field

from convenor_gateway.vocabularies import Article6Basis, Article9Condition, DataCategory, Purpose
from convenor_shared.schemas import RequestModel

GatewayId = Annotated[str, Field(pattern=r"^[a-z0-9-]{3,60}$", examples=["cda-1998-s115"])]


class LawfulBasis(RequestModel):
    """The UK GDPR basis relied on and, for special category or criminal offence data, the
    Article 9 / Article 10 condition and the DPA 2018 Schedule 1 condition."""

    article_6: Article6Basis | None = None
    article_9_condition: Article9Condition | None = None
    schedule_1_condition: str | None = Field(
        default=None,
        max_length=300,
        examples=["Part 2 para 10: preventing or detecting unlawful acts"],
    )
    article_10_condition: str | None = Field(
        default=None, max_length=300, examples=["official authority: PCSC 2022 s17"]
    )
    appropriate_policy_document: bool | None = None


class GatewayCheckRequest(RequestModel):
    requester_organisation_id: uuid.UUID
    holder_organisation_id: uuid.UUID
    purpose: Purpose
    data_categories: list[DataCategory] = Field(min_length=1, max_length=6)
    legal_gateways: list[GatewayId] | None = Field(
        default=None,
        max_length=20,
        description="Gateways to test; omit to test every gateway in the catalogue",
    )
    statutory_function: str | None = Field(
        default=None,
        max_length=2000,
        description="The requester's statutory function (its public task and basis in law)",
    )
    agreement_id: uuid.UUID | None = None
    lawful_basis: LawfulBasis | None = None


class OrganisationRef(BaseModel):
    id: uuid.UUID
    name: str | None
    classification: str


class PermittingGateway(BaseModel):
    id: str
    short_name: str
    kind: str = Field(description="power, duty, power_to_require or lawful_basis")
    explanation: str
    citation: str
    legislation_url: str
    overrides_confidence: bool
    confirmed: bool
    in_force: str


class MissingCondition(BaseModel):
    code: str
    explanation: str
    blocking: bool = Field(description="Without it, the gateways listed do not apply")
    gateways: list[str] = Field(default_factory=list, description="Empty: applies to any gateway")
    citation: str | None = None


class NotPermitted(BaseModel):
    gateway: str
    code: str
    reason: str


class GatewayCheckResult(BaseModel):
    catalogue_version: str
    permitted: bool
    requester: OrganisationRef
    holder: OrganisationRef
    purpose: str
    data_categories: list[str]
    gateways: list[PermittingGateway]
    missing_conditions: list[MissingCondition]
    not_permitted: list[NotPermitted]
    summary: str


class DataItem(RequestModel):
    """One item of data asked for or agreed: a column of the dataset, say."""

    name: str = Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$")
    description: str = Field(default="", max_length=1000)
    category: DataCategory
