"""Forgetting on time: retention ends, consent is withdrawn, or an erasure is decided; the data
key and the ciphertext go, the log keeps the hash and still verifies. And rotating the
key-encryption key: old deliveries still decrypt, new ones use the new key."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import func, select

from convenor_gateway import cli
from convenor_gateway.app import create_app
from convenor_gateway.config import GatewaySettings
from convenor_gateway.deliveries import tasks as delivery_tasks
from convenor_gateway.evidence.key_ring import new_kek_entry
from convenor_gateway.models import Delivery, DeliveryChunk
from convenor_shared import testing
from convenor_shared.db import Database, utcnow

from .conftest import KEK
from .factories import (
    Api,
    admin,
    approved_request,
    audit_events,
    deliver,
    download,
    partner,
    ward_csv,
)

PURPOSE = "crime_and_disorder_reduction"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


async def stored(database: Database, request_id: str) -> tuple[Delivery | None, int]:
    async with database.session() as session:
        delivery = await session.get(Delivery, uuid.UUID(request_id))
        chunks = await session.scalar(
            select(func.count())
            .select_from(DeliveryChunk)
            .where(DeliveryChunk.request_id == uuid.UUID(request_id))
        )
    return delivery, int(chunks or 0)


@pytest.fixture
async def delivered(client, registry, issuer):
    opcc = partner(client, registry, issuer, "local_policing_body")
    council = partner(client, registry, issuer, "local_authority")
    created = await approved_request(opcc, council, retention_days=2)
    response = await deliver(council, created["id"], ward_csv("E05E"))
    assert response.status_code == 201, response.text
    return opcc, council, created


class TestRetention:
    async def test_when_retention_ends_the_key_and_payload_go_and_the_log_still_verifies(
        self, delivered, database, client, issuer, checkpoint
    ):
        opcc, _, created = delivered
        assert (await download(opcc, created["id"], PURPOSE)).status_code == 200
        early = await delivery_tasks.run(database, utcnow() + timedelta(days=1))
        assert (await stored(database, created["id"]))[1] > 0, early
        result = await delivery_tasks.run(database, utcnow() + timedelta(days=3))
        assert result["erased"] >= 1 and result["expired_retention"] >= 1
        delivery, chunks = await stored(database, created["id"])
        assert delivery is not None and delivery.wrapped_key is None and chunks == 0
        assert delivery.erasure_reason_code == "retention_ended"
        assert len(delivery.payload_sha256) == 64  # what the log needs stays
        gone = await download(opcc, created["id"], PURPOSE)
        assert gone.status_code == 410
        root = admin(client, issuer)
        events = await audit_events(created["id"], root)
        (erasure,) = [e for e in events if e["event"] == "erasure"]
        assert erasure["reason_code"] == "retention_ended" and erasure["erased"] == "delivery"
        assert erasure["actor"] == {"client_id": "convenor-gateway", "organisation_id": None}
        assert [e["transition"]["to"] for e in events if "transition" in e][-1] == "expired"
        assert events[-1]["event"] == "download_refusal"
        await checkpoint()
        report = (await root.post("/v1/audit/verify")).json()
        assert report["ok"] is True, report

    async def test_the_cli_runs_the_retention_job(
        self, delivered, database_url, monkeypatch, capsys
    ):
        monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
        code = await asyncio.to_thread(cli.main, ["retention", "run"])
        assert code == 0
        assert set(json.loads(capsys.readouterr().out)) == {
            "erased",
            "expired_retention",
            "expired_overdue",
        }


class TestErasure:
    @pytest.mark.parametrize("who", ["requester", "holder"])
    async def test_either_party_can_have_a_delivery_erased_with_a_reason(
        self, delivered, database, client, issuer, who
    ):
        opcc, council, created = delivered
        party = opcc if who == "requester" else council
        response = await party.post(
            f"/v1/requests/{created['id']}/erasure",
            json={"reason_code": "consent_withdrawn", "reason": "The data subjects objected."},
        )
        assert response.status_code == 200, response.text
        assert response.json()["erasure_reason_code"] == "consent_withdrawn"
        delivery, chunks = await stored(database, created["id"])
        assert delivery is not None and delivery.wrapped_key is None and chunks == 0
        assert (await download(opcc, created["id"], PURPOSE)).status_code == 410
        again = await party.post(
            f"/v1/requests/{created['id']}/erasure",
            json={"reason_code": "consent_withdrawn", "reason": "Again."},
        )
        assert again.status_code == 200
        events = await audit_events(created["id"], admin(client, issuer))
        (erasure,) = [e for e in events if e["event"] == "erasure"]
        assert erasure["actor"]["organisation_id"] == party.id
        assert "objected" not in str(erasure) and len(erasure["reason_sha256"]) == 64
        redeliver = await deliver(council, created["id"], ward_csv("E05E"))
        assert redeliver.status_code == 410

    async def test_a_stranger_cannot_and_an_undelivered_request_has_nothing_to_erase(
        self, client, registry, issuer
    ):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        stranger = partner(client, registry, issuer, "local_authority")
        created = await approved_request(opcc, council)
        body = {"reason_code": "erasure_decision", "reason": "ICO decision."}
        url = f"/v1/requests/{created['id']}/erasure"
        assert (await stranger.post(url, json=body)).status_code == 404
        nothing = await opcc.post(url, json=body)
        assert nothing.status_code == 409
        assert nothing.json()["type"] == "/problems/nothing-to-erase"


def _with_client(api: Api, http) -> Api:
    return Api(http, api.token, api.org, api.client_id)


class TestKeyEncryptionKeyRotation:
    async def test_old_deliveries_still_decrypt_and_new_ones_use_the_new_key(
        self, settings: GatewaySettings, app: FastAPI, registry, issuer, client, database
    ):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        old = await approved_request(opcc, council)
        old_body = ward_csv("E05OLD")
        assert (await deliver(council, old["id"], old_body)).status_code == 201
        rotated = settings.model_copy(
            update={"key_encryption_key": SecretStr(f"{new_kek_entry('test-kek-2')},{KEK}")}
        )
        new_app = create_app(
            rotated,
            http_transport=app.state.http._transport,
            resolver=app.state.resolver,
        )
        async with testing.running(new_app) as http:
            requester, holder = _with_client(opcc, http), _with_client(council, http)
            fresh = await approved_request(requester, holder)
            new_body = ward_csv("E05NEW")
            assert (await deliver(holder, fresh["id"], new_body)).status_code == 201
            assert (await download(requester, old["id"], PURPOSE)).content == old_body
            assert (await download(requester, fresh["id"], PURPOSE)).content == new_body
        old_delivery, _ = await stored(database, old["id"])
        new_delivery, _ = await stored(database, fresh["id"])
        assert old_delivery is not None and old_delivery.kek_id == "test-kek-1"
        assert new_delivery is not None and new_delivery.kek_id == "test-kek-2"
        # A server without the new key cannot read what it wrapped, and says so.
        refused = await download(opcc, fresh["id"], PURPOSE)
        assert refused.status_code == 503
        assert refused.json()["type"] == "/problems/key-unavailable"
