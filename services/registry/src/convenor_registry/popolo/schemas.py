"""Popolo (https://www.popoloproject.com/specs/) as the export writes it: Popolo's own names
(``organizations``, ``organization_id``, ``founding_date``), British spelling stays inside the
registry."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PopoloModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class PopoloIdentifier(PopoloModel):
    scheme: str
    identifier: str


class Link(PopoloModel):
    url: str
    note: str | None = None


class ContactDetail(PopoloModel):
    type: str
    value: str


class PopoloArea(PopoloModel):
    id: str
    name: str
    identifier: str = Field(description="ONS GSS code")
    classification: str
    parent_id: str | None = None


class PopoloOrganization(PopoloModel):
    id: str
    name: str
    classification: str
    parent_id: str | None = None
    area_id: str | None = None
    founding_date: date | None = None
    dissolution_date: date | None = None
    other_names: list[dict[str, str]] = Field(default_factory=list)
    identifiers: list[PopoloIdentifier] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)


class PopoloPerson(PopoloModel):
    id: str
    name: str
    contact_details: list[ContactDetail] = Field(default_factory=list)


class PopoloPost(PopoloModel):
    id: str
    label: str
    role: str
    organization_id: str


class PopoloMembership(PopoloModel):
    id: str
    role: str | None = None
    person_id: str | None = None
    member: dict[str, Any] | None = Field(
        default=None, description="An organisation's seat: {'@type': 'Organization', 'id': ...}"
    )
    organization_id: str
    on_behalf_of_id: str | None = None
    post_id: str | None = None
    start_date: date | None = None
    end_date: date | None = None


class PopoloExport(PopoloModel):
    meta: dict[str, Any]
    areas: list[PopoloArea]
    organizations: list[PopoloOrganization]
    persons: list[PopoloPerson]
    posts: list[PopoloPost]
    memberships: list[PopoloMembership]
