"""Housekeeping: requests past their due date, and delivered ones past retention, expire."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.audit.service import SYSTEM
from convenor_gateway.data_requests import service as requests_service
from convenor_gateway.data_requests import tasks
from convenor_gateway.models import DataRequest
from convenor_shared.db import Database, utcnow
from convenor_shared.transactions import commit

from .factories import asb_request, partner


@pytest.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    database = Database(database_url)
    async with database.session() as session:
        yield session
    await database.dispose()


class TestExpiry:
    async def test_an_open_request_past_its_due_date_expires(
        self, client, registry, issuer, session
    ):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/requests", asb_request(council, submit=True))
        request = await session.get(DataRequest, uuid.UUID(created["id"]))
        assert request is not None and request.due_date is not None
        later = utcnow() + timedelta(days=60)
        assert await tasks.expire_overdue(session, later) >= 1
        await commit(session)
        read = (await opcc.get(f"/v1/requests/{created['id']}/history")).json()
        assert read[-1]["to_status"] == "expired"
        assert read[-1]["reason_code"] == "due_date_passed"
        assert read[-1]["actor_client_id"] == "convenor-gateway"

    async def test_a_delivered_request_expires_when_its_retention_ends(
        self, client, registry, issuer, session
    ):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        created = await opcc.created(
            "/v1/requests", asb_request(council, submit=True, retention_days=30)
        )
        await council.move(created["id"], "approved")
        request = await session.get(DataRequest, uuid.UUID(created["id"]))
        assert request is not None
        await requests_service.deliver(session, request, SYSTEM)
        await commit(session)
        assert await tasks.expire_retention(session, utcnow() + timedelta(days=10)) == 0
        assert await tasks.expire_retention(session, utcnow() + timedelta(days=31)) >= 1
        await commit(session)
        statuses = [
            h["to_status"] for h in (await opcc.get(f"/v1/requests/{created['id']}/history")).json()
        ]
        assert statuses[-2:] == ["delivered", "expired"]
