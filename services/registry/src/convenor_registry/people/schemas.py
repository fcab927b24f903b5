from __future__ import annotations

import uuid

from pydantic import EmailStr, Field

from convenor_registry.vocabularies import SalaryBand, Seniority
from convenor_shared.schemas import RecordRead, RequestModel

PHONE_PATTERN = r"^[0-9 +()-]{6,40}$"


class PersonCreate(RequestModel):
    name: str = Field(min_length=1, max_length=200)
    organisation_id: uuid.UUID | None = None
    role_title: str | None = Field(default=None, max_length=300)
    seniority: Seniority | None = Field(
        default=None, description="1 officer … 5 chief officer or executive"
    )
    salary_band: SalaryBand | None = Field(default=None, description="A band, never a salary")
    contract_hours: float | None = Field(default=None, gt=0, le=60)
    email: EmailStr | None = None
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)


class PersonUpdate(RequestModel):
    not_clearable = frozenset({"name"})
    name: str | None = Field(default=None, min_length=1, max_length=200)
    organisation_id: uuid.UUID | None = None
    role_title: str | None = Field(default=None, max_length=300)
    seniority: Seniority | None = None
    salary_band: SalaryBand | None = None
    contract_hours: float | None = Field(default=None, gt=0, le=60)
    email: EmailStr | None = None
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)


class PersonRead(RecordRead):
    """A person as every reader sees them: no contact details."""

    name: str
    organisation_id: uuid.UUID | None
    role_title: str | None
    seniority: int | None
    salary_band: str | None
    contract_hours: float | None


class PersonWithContact(PersonRead):
    """A person as a caller with ``registry:write`` sees them."""

    email: str | None
    phone: str | None
