"""The legal-gateway catalogue's shape: the JSON file is validated against these models at load,
and the same models are served by ``/v1/legal-gateways`` and ``/v1/purposes``."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from convenor_gateway.vocabularies import DataCategory, OrganisationClassification, Purpose

Fact = Literal[
    "statutory_function",
    "agreement",
    "active_agreement",
    "agreement_covers",
    "dpia",
    "article_9_condition",
    "schedule_1_condition",
    "article_10_condition",
]
Classifications = list[OrganisationClassification | Literal["*"]]
GatewayKind = Literal["power", "duty", "power_to_require", "lawful_basis"]


class CatalogueModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class When(CatalogueModel):
    """A rule applies when every stated test holds (an empty ``when`` always applies)."""

    holder_classification_in: list[OrganisationClassification] | None = None
    holder_classification_not_in: list[OrganisationClassification] | None = None
    requester_classification_in: list[OrganisationClassification] | None = None
    categories_any: list[DataCategory] | None = None
    purpose_in: list[Purpose] | None = None
    present: list[Fact] | None = None
    missing: list[Fact] | None = None


class Rule(CatalogueModel):
    code: str = Field(pattern=r"^[a-z0-9_-]{2,80}$")
    citation: str | None = None
    when: When
    reason: str = Field(description="Plain English; may name {holder}, {requester}, {purpose}")


class LegalGateway(CatalogueModel):
    id: str = Field(pattern=r"^[a-z0-9-]{3,60}$", examples=["cda-1998-s115"])
    short_name: str
    title: str
    citation: str
    legislation_url: HttpUrl
    kind: GatewayKind
    needs_statutory_gateway: bool = Field(
        description="A function or lawful basis that permits sharing only alongside a statutory "
        "gateway that permits it too"
    )
    alone_reason: str | None = None
    disclosers: Classifications = Field(description="Who may disclose (the holder); * is anyone")
    discloser_reason: str | None = None
    recipients: Classifications = Field(description="To whom (the requester); * is anyone")
    recipient_reason: str | None = None
    purposes: list[Purpose | Literal["*"]]
    data_categories: list[DataCategory]
    exclusions: list[Rule] = Field(description="Hard exclusions: when one applies, not permitted")
    requirements: list[Rule] = Field(description="What must be stated for the gateway to apply")
    conditions: list[Rule] = Field(description="What the parties must still confirm")
    overrides_confidence: bool
    extent: list[Literal["england", "wales", "scotland", "northern_ireland"]]
    in_force: Literal["in_force", "not_in_force", "unknown"]
    in_force_since: date | None
    in_force_note: str | None
    confirmed: bool = Field(description="Whether this encoding was checked against the legislation")
    confirmation_note: str
    use_limitation: str | None
    explanation: str


class CategoryInfo(CatalogueModel):
    label: str
    identifiable: bool
    dpv: str | None
    dpv_match: Literal["exact", "close", "broad", "related"] | None
    note: str | None = None


class PurposeInfo(CatalogueModel):
    id: Purpose
    label: str
    description: str
    dpv: str | list[str] | None = Field(description="W3C DPV 2 purpose term(s), or null if none")
    dpv_match: Literal["exact", "close", "broad", "related"] | None


class CatalogueFile(CatalogueModel):
    version: str = Field(max_length=40)
    published: date
    source: str
    notice: str
    kinds: dict[GatewayKind, str]
    classifications: dict[OrganisationClassification, str]
    data_categories: dict[DataCategory, CategoryInfo]
    purposes: list[PurposeInfo]
    conditions: list[Rule]
    gateways: list[LegalGateway]


class LegalGatewayRead(LegalGateway):
    catalogue_version: str


class LegalGatewayList(BaseModel):
    catalogue_version: str
    notice: str
    items: list[LegalGateway]


class PurposeList(BaseModel):
    catalogue_version: str
    dpv_namespace: str = "https://w3id.org/dpv#"
    items: list[PurposeInfo]
    data_categories: dict[str, CategoryInfo]
