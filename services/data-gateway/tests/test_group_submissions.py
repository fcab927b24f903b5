"""Requests raised at once: on PostgreSQL they share commits (group commit); each still lands
whole, with its history, its audit entries and its idempotency record, or not at all."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import FastAPI

from convenor_gateway.audit import service as audit_service
from convenor_shared.db import Database

from .factories import Api, asb_request, partner

AUDIT = ("gateway:audit", "gateway:request")


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


def batching(app: FastAPI) -> tuple[int, int]:
    """(batches committed, requests in them) so far; (0, 0) where there is no group commit."""
    batches = app.state.group_commit
    return (batches.batches, batches.committed_members) if batches else (0, 0)


async def mine(api: Api) -> list[dict[str, Any]]:
    page = await api.get("/v1/requests", params={"role": "requester", "limit": 200})
    assert page.status_code == 200, page.text
    items: list[dict[str, Any]] = page.json()["items"]
    return items


class TestSubmissionsAtOnce:
    async def test_each_lands_with_its_history_audit_and_replay_in_fewer_commits(
        self, app, client, registry, issuer, database
    ):
        opcc = partner(client, registry, issuer, "local_policing_body", scopes=AUDIT)
        council = partner(client, registry, issuer, "local_authority")
        keys = [{"Idempotency-Key": f"at-once-{i}"} for i in range(12)]
        body = asb_request(council, submit=True)
        before = batching(app)
        responses = await asyncio.gather(
            *(opcc.post("/v1/requests", json=body, headers=key) for key in keys)
        )
        assert [r.status_code for r in responses] == [201] * 12, responses[0].text
        batches, members = (a - b for a, b in zip(batching(app), before, strict=True))
        if app.state.group_commit is not None:  # PostgreSQL
            assert members == 12 and batches < 12
        ids = [r.json()["id"] for r in responses]
        assert sorted(r["id"] for r in await mine(opcc)) == sorted(ids)
        for request_id in ids:  # the audit entries first: reading the history is logged
            entries = await opcc.get(
                "/v1/audit/entries", params={"request_id": request_id, "limit": 10}
            )
            events = [e["entry"]["event"] for e in entries.json()["items"]]
            assert events == ["collection", "submission"]
            history = (await opcc.get(f"/v1/requests/{request_id}/history")).json()
            assert [h["to_status"] for h in history] == ["draft", "submitted"]
        report = await audit_service.check_chain(database)
        assert report.ok, report
        replays = await asyncio.gather(
            *(opcc.post("/v1/requests", json=body, headers=key) for key in keys)
        )
        assert [r.json()["id"] for r in replays] == ids
        assert all(r.headers["idempotent-replayed"] == "true" for r in replays)

    async def test_a_bad_request_among_them_gets_its_own_answer_and_the_rest_land(
        self, client, registry, issuer
    ):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        alone = await opcc.post(
            "/v1/requests", json=asb_request(council, legal_gateways=["no-such-gateway"])
        )
        assert alone.status_code == 422
        bodies = [asb_request(council, submit=True) for _ in range(5)]
        bodies.insert(2, asb_request(council, legal_gateways=["no-such-gateway"]))
        responses = await asyncio.gather(*(opcc.post("/v1/requests", json=b) for b in bodies))
        statuses = [r.status_code for r in responses]
        assert statuses == [201, 201, 422, 201, 201, 201]
        assert responses[2].json()["type"] == alone.json()["type"]
        assert len(await mine(opcc)) == 5

    async def test_one_key_sent_twice_at_once_makes_one_request(self, client, registry, issuer):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        key = {"Idempotency-Key": "twice-at-once"}
        body = asb_request(council, submit=True)
        first, second = await asyncio.gather(
            opcc.post("/v1/requests", json=body, headers=key),
            opcc.post("/v1/requests", json=body, headers=key),
        )
        made = await mine(opcc)
        assert len(made) == 1
        for response in (first, second):  # the original, its replay, or "still in progress"
            assert response.status_code in (201, 409), response.text
            if response.status_code == 201:
                assert response.json()["id"] == made[0]["id"]
        assert 201 in (first.status_code, second.status_code)
