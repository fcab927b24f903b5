from __future__ import annotations

import uuid
from datetime import date

from pydantic import ConfigDict, Field, model_validator

from convenor_registry.vocabularies import MembershipRole
from convenor_shared.schemas import RecordRead, RequestModel, cross_field


class MembershipCreate(RequestModel):
    # Without a person, an organisation's seat (the schema says it too).
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"person_id": {"type": "null"}}},
            "then": {
                "properties": {"organisation_id": {"type": "string", "format": "uuid"}},
                "required": ["organisation_id"],
            },
        }
    )

    person_id: uuid.UUID | None = Field(default=None, description="A named member")
    organisation_id: uuid.UUID | None = Field(
        default=None, description="An organisation's seat (filled by whoever it sends)"
    )
    on_behalf_of_id: uuid.UUID | None = Field(
        default=None, description="The organisation the member represents"
    )
    role: MembershipRole = "member"
    voting: bool = True
    required: bool = Field(default=False, description="A statutory or required member")
    start_date: date | None = None
    end_date: date | None = None
    deputy_ids: list[uuid.UUID] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def names_someone(self) -> MembershipCreate:
        if self.person_id is None and self.organisation_id is None:
            raise cross_field("a membership names a person_id or an organisation_id")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise cross_field("end_date is before start_date")
        return self


class MembershipUpdate(RequestModel):
    not_clearable = frozenset({"role", "voting", "required", "deputy_ids"})
    on_behalf_of_id: uuid.UUID | None = None
    role: MembershipRole | None = None
    voting: bool | None = None
    required: bool | None = None
    start_date: date | None = None
    end_date: date | None = None
    deputy_ids: list[uuid.UUID] | None = Field(default=None, max_length=10)


class MembershipRead(RecordRead):
    partnership_id: uuid.UUID
    person_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    on_behalf_of_id: uuid.UUID | None
    role: str
    voting: bool
    required: bool
    start_date: date | None
    end_date: date | None
    deputy_ids: list[uuid.UUID]
