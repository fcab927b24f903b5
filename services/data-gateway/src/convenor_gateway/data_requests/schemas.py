from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.config import JsonDict

from convenor_gateway.checks.schemas import DataItem, GatewayCheckResult, GatewayId, LawfulBasis
from convenor_gateway.vocabularies import (
    DATA_CATEGORIES,
    IDENTIFIABLE_CATEGORIES,
    Identifiability,
    Purpose,
    RefusalCode,
    RequestStatus,
)
from convenor_shared.schemas import NOT_BLANK, ReadModel, RequestModel, cross_field

Text = Field(min_length=1, max_length=10_000)
IDENTIFIABLE_ITEM: JsonDict = {
    "properties": {"category": {"enum": [c for c in sorted(IDENTIFIABLE_CATEGORIES)]}},
    "required": ["category"],
}
# The identifiability rule of check_items, stated in the schema too: an aggregate request asks
# for no identifiable item; a pseudonymised or identifiable one for at least one.
IDENTIFIABILITY_RULE: JsonDict = {
    "if": {
        "properties": {"identifiability": {"const": "aggregate"}},
        "required": ["identifiability"],
    },
    "then": {
        "properties": {
            "data_items": {
                "items": {
                    "properties": {
                        "category": {
                            "enum": [c for c in DATA_CATEGORIES if c not in IDENTIFIABLE_CATEGORIES]
                        }
                    }
                }
            }
        }
    },
    "else": {"properties": {"data_items": {"contains": IDENTIFIABLE_ITEM}}},
}


def check_items(items: list[DataItem] | None, identifiability: str | None) -> None:
    if items is None:
        return
    names = [item.name for item in items]
    if len(set(names)) != len(names):
        raise cross_field("data item names must be unique")
    identifiable = [i.name for i in items if i.category in IDENTIFIABLE_CATEGORIES]
    if identifiability == "aggregate" and identifiable:
        raise ValueError(
            f"an aggregate request cannot ask for identifiable items ({', '.join(identifiable)})"
        )
    if identifiability in ("pseudonymised", "identifiable") and not identifiable:
        raise ValueError(f"a {identifiability} request must include an identifiable item")


class RequestFields(RequestModel):
    requesting_officer: str | None = Field(
        default=None, max_length=300, description="Name and role of the officer asking"
    )
    statutory_function: str | None = Field(
        default=None,
        max_length=2000,
        description="The requester's statutory function (public task) and its basis in law",
    )
    lawful_basis: LawfulBasis | None = None
    period_start: date | None = None
    period_end: date | None = None
    area_ids: list[uuid.UUID] | None = Field(default=None, max_length=500)
    due_date: date | None = None
    agreement_id: uuid.UUID | None = None


class RequestCreate(RequestFields):
    model_config = ConfigDict(json_schema_extra=IDENTIFIABILITY_RULE)

    holder_organisation_id: uuid.UUID
    purpose: Purpose
    justification: str = Text
    necessity: str = Field(
        min_length=1, max_length=10_000, description="Necessity and proportionality statement"
    )
    legal_gateways: list[GatewayId] = Field(min_length=1, max_length=20)
    data_items: list[DataItem] = Field(min_length=1, max_length=200)
    identifiability: Identifiability
    retention_days: int = Field(ge=1, le=36_500)
    submit: bool = Field(default=False, description="Submit at once rather than keep a draft")

    @model_validator(mode="after")
    def consistent(self) -> RequestCreate:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise cross_field("period_end is before period_start")
        check_items(self.data_items, self.identifiability)
        return self


class RequestUpdate(RequestFields):
    """Change a draft, or a request returned for clarification (requester only)."""

    not_clearable = frozenset(
        {
            "purpose",
            "justification",
            "necessity",
            "legal_gateways",
            "data_items",
            "identifiability",
            "retention_days",
        }
    )

    purpose: Purpose | None = None
    justification: str | None = Field(default=None, min_length=1, max_length=10_000)
    necessity: str | None = Field(default=None, min_length=1, max_length=10_000)
    legal_gateways: list[GatewayId] | None = Field(default=None, min_length=1, max_length=20)
    data_items: list[DataItem] | None = Field(default=None, min_length=1, max_length=200)
    identifiability: Identifiability | None = None
    retention_days: int | None = Field(default=None, ge=1, le=36_500)


class TransitionCreate(RequestModel):
    # What the moves need, stated in the schema too: a refusal its code and its reason, a
    # request for clarification its question; reason codes only for refusals, approved items
    # only for approvals. (Which items an approval may name depends on the request.)
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"to": {"const": "refused"}}, "required": ["to"]},
            "then": {
                "properties": {
                    "reason_code": {"type": "string"},
                    "reason": {"type": "string", "pattern": NOT_BLANK},
                    "approved_items": {"type": "null"},
                },
                "required": ["reason_code", "reason"],
            },
            "else": {
                "properties": {"reason_code": {"type": "null"}},
                "if": {
                    "properties": {"to": {"enum": ["approved", "partially_approved"]}},
                    "required": ["to"],
                },
                "else": {
                    "properties": {"approved_items": {"type": "null"}},
                    "if": {
                        "properties": {"to": {"const": "clarification_requested"}},
                        "required": ["to"],
                    },
                    "then": {
                        "properties": {"reason": {"type": "string", "pattern": NOT_BLANK}},
                        "required": ["reason"],
                    },
                },
            },
        }
    )

    to: RequestStatus
    reason_code: RefusalCode | None = Field(default=None, description="Required to refuse")
    reason: str | None = Field(default=None, max_length=5000)
    approved_items: list[str] | None = Field(
        default=None, max_length=200, description="Item names, for partially_approved"
    )


class TransitionRead(ReadModel):
    id: uuid.UUID
    request_id: uuid.UUID
    from_status: str | None
    to_status: str
    at: datetime
    actor_client_id: str
    actor_organisation_id: uuid.UUID | None
    reason_code: str | None
    reason: str | None
    approved_items: list[str] | None


class RequestSummary(ReadModel):
    """A request in a list: no free text, so listing is not a consultation."""

    id: uuid.UUID
    status: str
    requester_organisation_id: uuid.UUID
    holder_organisation_id: uuid.UUID
    purpose: str
    legal_gateways: list[str]
    identifiability: str
    reason_code: str | None
    due_date: date | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


class RequestRead(RequestSummary):
    version: int
    requester_classification: str
    holder_classification: str
    requesting_officer: str | None
    statutory_function: str | None
    justification: str
    necessity: str
    lawful_basis: dict[str, Any]
    data_items: list[dict[str, Any]]
    period_start: date | None
    period_end: date | None
    area_ids: list[uuid.UUID]
    retention_days: int
    agreement_id: uuid.UUID | None
    approved_items: list[str] | None
    check_result: GatewayCheckResult | None = Field(
        description="The gateway check at the last submission"
    )
    catalogue_version: str | None
    clarification_rounds: int
    acknowledged_at: datetime | None
    decided_at: datetime | None
    delivered_at: datetime | None
    closed_at: datetime | None
    allowed_transitions: list[str] = Field(
        default_factory=list, description="The moves you can make now"
    )


class RequestPage(BaseModel):
    items: list[RequestSummary]
    next_cursor: str | None = None
