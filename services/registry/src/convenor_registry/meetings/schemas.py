from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import AwareDatetime, ConfigDict, Field, model_validator

from convenor_registry.vocabularies import (
    AttendanceStatus,
    MeetingMode,
    MeetingPurpose,
    MeetingStatus,
)
from convenor_shared.schemas import ReadModel, RecordRead, RequestModel, WebUrl, cross_field


class MeetingFields(RequestModel):
    title: str | None = Field(default=None, max_length=300)
    prep_minutes: int = Field(default=60, ge=0, le=1440, description="Preparation and travel")
    mode: MeetingMode = "in_person"
    purpose: MeetingPurpose = Field(
        default="decision",
        description="relational and horizon_scanning meetings are not counted as talking shops",
    )
    location: str | None = Field(default=None, max_length=300)
    online_url: WebUrl | None = None
    support_hours: float | None = Field(default=None, ge=0, le=1000)
    direct_costs: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)


class MeetingCreate(MeetingFields):
    start: AwareDatetime
    end: AwareDatetime
    status: MeetingStatus = "scheduled"

    @model_validator(mode="after")
    def ends_after_it_starts(self) -> MeetingCreate:
        if self.end <= self.start:
            raise cross_field("end must be after start")
        return self


class MeetingUpdate(RequestModel):
    not_clearable = frozenset({"start", "end", "prep_minutes", "mode", "status", "purpose"})
    title: str | None = Field(default=None, max_length=300)
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    prep_minutes: int | None = Field(default=None, ge=0, le=1440)
    mode: MeetingMode | None = None
    status: MeetingStatus | None = None
    purpose: MeetingPurpose | None = None
    location: str | None = Field(default=None, max_length=300)
    online_url: WebUrl | None = None
    support_hours: float | None = Field(default=None, ge=0, le=1000)
    direct_costs: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)


class MeetingRead(RecordRead):
    partnership_id: uuid.UUID
    series_id: uuid.UUID | None
    title: str | None
    start: datetime
    end: datetime
    prep_minutes: int
    mode: str
    status: str
    purpose: str
    location: str | None
    online_url: str | None
    support_hours: float | None
    direct_costs: Decimal | None


class SeriesCreate(MeetingFields):
    rrule: str = Field(
        min_length=6,
        max_length=500,
        examples=["FREQ=MONTHLY;BYDAY=2TU;COUNT=12"],
        description="RFC 5545 recurrence rule, expanded in UK local time",
    )
    first_start: AwareDatetime
    duration_minutes: int = Field(gt=0, le=1440)


class SeriesRead(RecordRead):
    partnership_id: uuid.UUID
    rrule: str
    first_start: datetime
    duration_minutes: int
    meeting_ids: list[uuid.UUID] = Field(default_factory=list)


class AttendanceRecord(RequestModel):
    # The deputy rule, stated in the schema too: deputy_for_id exactly when status is deputy.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"status": {"const": "deputy"}}, "required": ["status"]},
            "then": {
                "properties": {"deputy_for_id": {"type": "string", "format": "uuid"}},
                "required": ["deputy_for_id"],
            },
            "else": {"properties": {"deputy_for_id": {"type": "null"}}},
        }
    )

    person_id: uuid.UUID
    status: AttendanceStatus
    deputy_for_id: uuid.UUID | None = Field(
        default=None, description="For status deputy: the member this person stood in for"
    )
    on_behalf_of_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def deputy_names_whom(self) -> AttendanceRecord:
        if self.status == "deputy" and self.deputy_for_id is None:
            raise cross_field("a deputy names deputy_for_id")
        if self.status != "deputy" and self.deputy_for_id is not None:
            raise cross_field("deputy_for_id applies only to status deputy")
        if self.deputy_for_id == self.person_id:
            raise cross_field("a person cannot deputise for themselves")
        return self


class AttendancePut(RequestModel):
    records: list[AttendanceRecord] = Field(max_length=500)


class AttendanceRecordRead(ReadModel):
    person_id: uuid.UUID
    status: str
    deputy_for_id: uuid.UUID | None
    on_behalf_of_id: uuid.UUID | None


class AttendanceRead(ReadModel):
    meeting_id: uuid.UUID
    records: list[AttendanceRecordRead]
