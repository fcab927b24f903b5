from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query

from convenor_gateway.audit import service as audit_service
from convenor_gateway.audit.schemas import AuditPage
from convenor_gateway.deps import Auditor, api_router
from convenor_shared.routing import SessionDep

router = api_router("/v1/audit", "audit")


@router.get("/entries", operation_id="audit_entries_list")
async def list_entries(
    session: SessionDep,
    caller: Auditor,
    after: Annotated[int | None, Query(ge=-1, description="Entries with a greater index")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    request_id: uuid.UUID | None = None,
) -> AuditPage:
    """The audit log in index (commit) order. An organisation sees the entries of its own
    requests; an administrator sees every entry."""
    return await audit_service.list_entries(
        session, caller, after=after, limit=limit, request_id=request_id
    )
