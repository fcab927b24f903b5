from __future__ import annotations

import uuid
from datetime import date

from pydantic import ConfigDict, Field, model_validator

from convenor_registry.vocabularies import (
    OrganisationClassification,
    PensionScheme,
    PolicingBodyKind,
)
from convenor_shared.schemas import RecordRead, RequestModel, WebUrl, cross_field


class Identifier(RequestModel):
    scheme: str = Field(min_length=1, max_length=40, examples=["ods", "gss", "charity"])
    identifier: str = Field(min_length=1, max_length=100)


class OrganisationCreate(RequestModel):
    # kind only for a local policing body (the schema says it too).
    model_config = ConfigDict(
        json_schema_extra={
            "if": {
                "properties": {"classification": {"const": "local_policing_body"}},
                "required": ["classification"],
            },
            "else": {"properties": {"kind": {"type": "null"}}},
        }
    )

    name: str = Field(min_length=1, max_length=300)
    classification: OrganisationClassification
    kind: PolicingBodyKind | None = Field(
        default=None, description="For a local policing body: how it is governed."
    )
    kind_effective_from: date | None = None
    identifiers: list[Identifier] = Field(default_factory=list, max_length=20)
    pension_scheme: PensionScheme | None = None
    website: WebUrl | None = None
    area_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)

    @model_validator(mode="after")
    def kind_only_for_policing_bodies(self) -> OrganisationCreate:
        if self.kind is not None and self.classification != "local_policing_body":
            raise cross_field("kind applies only to a local_policing_body")
        return self


class OrganisationUpdate(RequestModel):
    not_clearable = frozenset({"name", "identifiers", "area_ids"})
    name: str | None = Field(default=None, min_length=1, max_length=300)
    kind: PolicingBodyKind | None = None
    kind_effective_from: date | None = None
    identifiers: list[Identifier] | None = Field(default=None, max_length=20)
    pension_scheme: PensionScheme | None = None
    website: WebUrl | None = None
    area_ids: list[uuid.UUID] | None = Field(default=None, max_length=500)


class OrganisationRead(RecordRead):
    name: str
    classification: str
    kind: str | None
    kind_effective_from: date | None
    identifiers: list[dict[str, str]]
    pension_scheme: str | None
    website: str | None
    area_ids: list[uuid.UUID] = Field(default_factory=list)
