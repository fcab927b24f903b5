"""Dependencies shared by the registry's routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from convenor_shared.auth import Caller, require
from convenor_shared.problems import PROBLEM_RESPONSES
from convenor_shared.routing import TransactionalRoute

Reader = Annotated[Caller, require("registry:read")]
Writer = Annotated[Caller, require("registry:write")]


def api_router(prefix: str, tag: str) -> APIRouter:
    """A router whose requests run in one transaction and whose errors are documented."""
    return APIRouter(
        prefix=prefix, tags=[tag], route_class=TransactionalRoute, responses=PROBLEM_RESPONSES
    )
