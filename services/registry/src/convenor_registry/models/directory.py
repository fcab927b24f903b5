"""The directory: organisations, their areas, people, and the API clients of organisations."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from convenor_registry.models.base import Base, Record
from convenor_shared.db import JSONType, UTCDateTime


class Organisation(Record, Base):
    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(String(300), index=True)
    classification: Mapped[str] = mapped_column(String(40), index=True)
    # For a local policing body: pcc, pfcc, mayor, policing_and_crime_board, common_council.
    kind: Mapped[str | None] = mapped_column(String(40), nullable=True)
    kind_effective_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    identifiers: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    pension_scheme: Mapped[str | None] = mapped_column(String(40), nullable=True)
    website: Mapped[str | None] = mapped_column(String(500), nullable=True)


class OrganisationArea(Base):
    __tablename__ = "organisation_areas"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("organisations.id"), primary_key=True
    )
    area_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("areas.id"), primary_key=True, index=True
    )


class Person(Record, Base):
    __tablename__ = "people"

    name: Mapped[str] = mapped_column(String(200), index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("organisations.id"), nullable=True, index=True
    )
    role_title: Mapped[str | None] = mapped_column(String(300), nullable=True)
    seniority: Mapped[int | None] = mapped_column(Integer, nullable=True)
    salary_band: Mapped[str | None] = mapped_column(String(20), nullable=True)
    contract_hours: Mapped[float | None] = mapped_column(nullable=True)
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)


class ApiClient(Base):
    """An API client of an organisation (or the bootstrap admin, with no organisation)."""

    __tablename__ = "api_clients"

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(), ForeignKey("organisations.id"), nullable=True, index=True
    )
    scopes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    auth_method: Mapped[str] = mapped_column(String(40))
    secret_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    jwks: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    is_bootstrap: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class UsedAssertion(Base):
    """``jti`` of client assertions already used (private_key_jwt replay protection)."""

    __tablename__ = "used_assertions"

    jti: Mapped[str] = mapped_column(String(255), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
