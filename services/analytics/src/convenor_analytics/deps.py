"""Dependencies shared by the analytics routers."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from convenor_shared.auth import Caller, require
from convenor_shared.problems import PROBLEM_RESPONSES
from convenor_shared.routing import TransactionalRoute
from convenor_shared.schemas import IsoDate

# Everything analytics serves is read-only; triggering a sync only pulls, so it needs no more.
Reader = Annotated[Caller, require("analytics:read")]


def api_router(prefix: str, tag: str) -> APIRouter:
    """A router whose requests run in one transaction and whose errors are documented."""
    return APIRouter(
        prefix=prefix, tags=[tag], route_class=TransactionalRoute, responses=PROBLEM_RESPONSES
    )


def today(request: Request) -> date:
    """The day answers are as of, unless a request names its window."""
    return datetime.now(UTC).date()


Area = Annotated[
    str | None,
    Query(max_length=64, description="Area id or GSS code; covers the areas inside it"),
]
PartnershipParam = Annotated[uuid.UUID | None, Query(description="One partnership")]
From = Annotated[IsoDate | None, Query(alias="from", description="Window start (inclusive)")]
To = Annotated[IsoDate | None, Query(description="Window end (inclusive); default today")]
