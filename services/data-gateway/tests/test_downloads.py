"""Downloading a delivery: the requester alone, for the request's purpose, before it is erased;
every download and every refused attempt in the audit log."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import update

from convenor_gateway.models import Delivery
from convenor_shared.db import Database, utcnow

from .factories import admin, approved_request, audit_events, deliver, download, partner, ward_csv

PURPOSE = "crime_and_disorder_reduction"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
async def delivered(client, registry, issuer):
    """A delivered request: (requester, holder, request, the bytes delivered)."""
    opcc = partner(client, registry, issuer, "local_policing_body")
    council = partner(client, registry, issuer, "local_authority")
    created = await approved_request(opcc, council)
    body = ward_csv("E05D", rows=500)
    response = await deliver(council, created["id"], body)
    assert response.status_code == 201, response.text
    return opcc, council, created, body


async def refusals(client, issuer, request_id: str) -> list[tuple[str, str | None]]:
    return [
        (e["reason_code"], e["actor"]["organisation_id"])
        for e in await audit_events(request_id, admin(client, issuer))
        if e["event"] == "download_refusal"
    ]


class TestDownloads:
    async def test_the_requester_stating_the_purpose_gets_the_bytes_as_delivered(
        self, delivered, client, issuer
    ):
        opcc, _, created, body = delivered
        response = await download(opcc, created["id"], PURPOSE)
        assert response.status_code == 200, response.text
        assert response.content == body
        assert response.headers["content-type"].startswith("text/csv")
        assert response.headers["content-length"] == str(len(body))
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        assert response.headers["repr-digest"] == f"sha-256=:{digest}:"
        assert response.headers["cache-control"] == "no-store"
        events = await audit_events(created["id"], admin(client, issuer))
        (consultation,) = [e for e in events if e.get("view") == "delivery"]
        assert consultation["event"] == "consultation"
        assert consultation["actor"] == {"client_id": opcc.client_id, "organisation_id": opcc.id}
        assert consultation["stated_purpose"] == PURPOSE

    async def test_another_organisation_gets_404_and_the_attempt_is_logged(
        self, delivered, client, registry, issuer
    ):
        _, _, created, _ = delivered
        stranger = partner(client, registry, issuer, "local_authority")
        response = await download(stranger, created["id"], PURPOSE)
        assert response.status_code == 404
        assert await refusals(client, issuer, created["id"]) == [("not_a_party", stranger.id)]

    async def test_the_holder_is_not_the_recipient(self, delivered, client, issuer):
        _, council, created, _ = delivered
        response = await download(council, created["id"], PURPOSE)
        assert response.status_code == 403
        assert response.json()["type"] == "/problems/not-the-recipient"
        assert await refusals(client, issuer, created["id"]) == [("not_the_recipient", council.id)]

    async def test_another_purpose_is_refused_and_logged(self, delivered, client, issuer):
        opcc, _, created, _ = delivered
        response = await download(opcc, created["id"], "research_statistics")
        assert response.status_code == 403
        assert response.json()["type"] == "/problems/purpose-mismatch"
        assert await refusals(client, issuer, created["id"]) == [("purpose_mismatch", opcc.id)]
        events = await audit_events(created["id"], admin(client, issuer))
        assert events[-1]["stated_purpose"] == "research_statistics"

    async def test_no_purpose_is_refused_with_the_header_to_send(self, delivered, client, issuer):
        opcc, _, created, _ = delivered
        response = await download(opcc, created["id"], None)
        assert response.status_code == 422
        assert response.json()["type"] == "/problems/purpose-required"
        assert "Data-Purpose" in response.json()["detail"]
        free_text = await download(opcc, created["id"], "because I want it")
        assert free_text.status_code == 403
        assert await refusals(client, issuer, created["id"]) == [
            ("purpose_missing", opcc.id),
            ("purpose_mismatch", opcc.id),
        ]
        logged = (await audit_events(created["id"], admin(client, issuer)))[-1]
        assert "because" not in str(logged) and len(logged["stated_purpose_sha256"]) == 64

    async def test_after_the_retention_ends_a_download_is_gone_and_logged(
        self, delivered, database, client, issuer
    ):
        opcc, _, created, _ = delivered
        async with database.session() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.request_id == uuid.UUID(created["id"]))
                .values(retain_until=utcnow() - timedelta(seconds=1))
            )
            await session.commit()
        response = await download(opcc, created["id"], PURPOSE)
        assert response.status_code == 410
        assert response.json()["type"] == "/problems/delivery-erased"
        assert await refusals(client, issuer, created["id"]) == [("retention_ended", opcc.id)]

    async def test_before_any_delivery_there_is_nothing_to_download(self, client, registry, issuer):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        created = await approved_request(opcc, council)
        response = await download(opcc, created["id"], PURPOSE)
        assert response.status_code == 404
        assert response.json()["type"] == "/problems/delivery-not-found"

    async def test_an_unknown_request_is_404(self, client, registry, issuer):
        opcc = partner(client, registry, issuer, "local_policing_body")
        response = await download(opcc, str(uuid.uuid4()), PURPOSE)
        assert response.status_code == 404
