"""Delivering a dataset: checked against the approval as it streams, stored encrypted, once."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from convenor_gateway.models import Base, Delivery, DeliveryChunk
from convenor_shared.db import Database

from .factories import (
    admin,
    approved_request,
    asb_request,
    audit_events,
    deliver,
    partner,
    ward_csv,
)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


async def everything_stored(database: Database) -> bytes:
    """Every value of every row of every table, as bytes, to search for plaintext."""
    out = bytearray()
    async with database.session() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        out += bytes(value)
                    elif isinstance(value, dict | list):
                        out += json.dumps(value).encode()
                    else:
                        out += str(value).encode()
                    out += b"\x00"
    return bytes(out)


async def stored_chunks(database: Database, request_id: str) -> int:
    async with database.session() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(DeliveryChunk)
                .where(DeliveryChunk.request_id == uuid.UUID(request_id))
            )
            or 0
        )


def problems(response: Any) -> list[tuple[str | None, int | None, str]]:
    return [(p["column"], p["row"], p["rule"]) for p in response.json()["problems"]]


@pytest.fixture
def parties(client, registry, issuer):
    opcc = partner(client, registry, issuer, "local_policing_body")
    council = partner(client, registry, issuer, "local_authority")
    return opcc, council


class TestRefusedDeliveries:
    async def test_a_column_that_was_not_approved_is_refused_and_nothing_is_stored(
        self, parties, database, client, issuer
    ):
        opcc, council = parties
        created = await approved_request(opcc, council)
        body = b"ward_code,month,asb_incidents,victim_name\nE05000001,2025-01,12,x\n"
        response = await deliver(council, created["id"], body)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"] == "/problems/delivery-refused"
        assert problems(response) == [("victim_name", None, "unapproved_column")]
        assert "not one of the approved data items" in response.json()["problems"][0]["reason"]
        async with database.session() as session:
            assert await session.get(Delivery, uuid.UUID(created["id"])) is None
        assert await stored_chunks(database, created["id"]) == 0
        read = await opcc.get(f"/v1/requests/{created['id']}")
        assert read.json()["status"] == "approved"
        events = await audit_events(created["id"], admin(client, issuer))
        (refusal,) = [e for e in events if e["event"] == "delivery_refusal"]
        assert refusal["rules"] == ["unapproved_column"]
        assert refusal["actor"]["organisation_id"] == council.id

    async def test_an_nhs_number_in_an_aggregate_return_is_refused_with_its_row(
        self, parties, database
    ):
        opcc, council = parties
        created = await approved_request(opcc, council)
        body = b"ward_code,month,asb_incidents\nE05000001,2025-01,12\n943 476 5919,2025-02,14\n"
        response = await deliver(council, created["id"], body)
        assert response.status_code == 422
        assert problems(response) == [("ward_code", 2, "nhs_number")]
        assert "NHS number" in response.json()["problems"][0]["reason"]
        assert "943" not in response.text  # the value found is never echoed
        assert await stored_chunks(database, created["id"]) == 0

    async def test_a_count_of_three_is_refused_as_a_small_count(self, parties):
        opcc, council = parties
        created = await approved_request(opcc, council)
        body = b"ward_code,month,asb_incidents\nE05000001,2025-01,12\nE05000002,2025-01,3\n"
        response = await deliver(council, created["id"], body)
        assert response.status_code == 422
        assert problems(response) == [("asb_incidents", 2, "small_count")]
        assert "below the suppression threshold of 5" in response.json()["problems"][0]["reason"]

    async def test_a_partial_approval_refuses_the_items_it_left_out(self, parties):
        opcc, council = parties
        created = await opcc.created("/v1/requests", asb_request(council, submit=True))
        moved = await council.move(
            created["id"], "partially_approved", approved_items=["ward_code", "asb_incidents"]
        )
        assert moved.status_code == 200
        refused = await deliver(council, created["id"], ward_csv("E05P"))
        assert problems(refused) == [("month", None, "unapproved_column")]
        accepted = await deliver(council, created["id"], b"ward_code,asb_incidents\nE05000001,12\n")
        assert accepted.status_code == 201, accepted.text

    async def test_only_the_holder_delivers_and_only_an_approved_request(self, parties):
        opcc, council = parties
        pending = await opcc.created("/v1/requests", asb_request(council, submit=True))
        too_early = await deliver(council, pending["id"], ward_csv("E05Q"))
        assert too_early.status_code == 409
        assert too_early.json()["type"] == "/problems/request-not-deliverable"
        created = await approved_request(opcc, council)
        by_requester = await deliver(opcc, created["id"], ward_csv("E05Q"))
        assert by_requester.status_code == 403
        assert by_requester.json()["type"] == "/problems/not-the-holder"

    async def test_a_body_that_is_neither_csv_nor_json_is_415(self, parties):
        opcc, council = parties
        created = await approved_request(opcc, council)
        response = await deliver(council, created["id"], b"<xml/>", media="application/xml")
        assert response.status_code == 415

    async def test_a_body_over_the_delivery_limit_is_413(self, parties, settings):
        opcc, council = parties
        created = await approved_request(opcc, council)
        huge = b"x" * (settings.max_delivery_bytes + 1)
        response = await deliver(council, created["id"], huge)
        assert response.status_code == 413


class TestAcceptedDeliveries:
    async def test_a_delivery_is_stored_encrypted_and_the_request_becomes_delivered(
        self, parties, database, client, issuer
    ):
        opcc, council = parties
        created = await approved_request(opcc, council)
        # Letters around the random part: eight random hex digits next to "09" or the row
        # number can make ten digits that pass the NHS number check (all eight are digits in
        # about one run in 40).
        marker = "E09K" + secrets.token_hex(4).upper() + "Z"
        body = ward_csv(marker, rows=800)  # several stored chunks at the tests' 4 KiB
        response = await deliver(council, created["id"], body)
        assert response.status_code == 201, response.text
        delivery = response.json()
        assert delivery["payload_sha256"] == hashlib.sha256(body).hexdigest()
        assert (delivery["payload_size"], delivery["rows"]) == (len(body), 800)
        assert delivery["media_type"] == "text/csv"
        assert await stored_chunks(database, created["id"]) > 1
        stored = await everything_stored(database)
        assert marker.encode() not in stored
        assert body[:40] not in stored and body[-40:] not in stored
        read = (await opcc.get(f"/v1/requests/{created['id']}")).json()
        assert read["status"] == "delivered" and read["delivered_at"] is not None
        disclosure = [
            e
            for e in await audit_events(created["id"], admin(client, issuer))
            if e["event"] == "disclosure"
        ]
        assert disclosure[0]["payload_hash"] == delivery["payload_sha256"]
        assert disclosure[0]["payload_size"] == len(body)
        assert disclosure[0]["actor"]["organisation_id"] == council.id

    async def test_a_json_array_delivery_is_accepted(self, parties):
        opcc, council = parties
        created = await approved_request(opcc, council)
        rows = [{"ward_code": "E05000001", "month": "2025-01", "asb_incidents": 12}]
        response = await deliver(
            council, created["id"], json.dumps(rows).encode(), media="application/json"
        )
        assert response.status_code == 201, response.text
        assert response.json()["media_type"] == "application/json"

    async def test_the_same_bytes_again_change_nothing_and_other_bytes_conflict(
        self, parties, client, issuer
    ):
        opcc, council = parties
        created = await approved_request(opcc, council)
        body = ward_csv("E05R")
        assert (await deliver(council, created["id"], body)).status_code == 201
        events = len(await audit_events(created["id"], admin(client, issuer)))
        again = await deliver(council, created["id"], body)
        assert again.status_code == 200
        assert again.json()["payload_sha256"] == hashlib.sha256(body).hexdigest()
        assert len(await audit_events(created["id"], admin(client, issuer))) == events
        other = await deliver(council, created["id"], ward_csv("E05S"))
        assert other.status_code == 409
        assert other.json()["type"] == "/problems/delivery-conflict"

    async def test_the_delivery_is_on_the_change_feed_like_any_move(self, parties, client, issuer):
        opcc, council = parties
        created = await approved_request(opcc, council)
        root = admin(client, issuer)
        cursor = None
        while True:  # the end of the feed so far
            page = (await root.get("/v1/changes", params={"limit": 1000, "after": cursor})).json()
            if not page["items"]:
                break
            cursor = page["items"][-1]["cursor"]
        await deliver(council, created["id"], ward_csv("E05T"))
        after = (await root.get("/v1/changes", params={"limit": 1000, "after": cursor})).json()
        moves = [i["data"] for i in after["items"] if i["entity"] == "request_transition"]
        assert [(m["request_id"], m["to_status"]) for m in moves] == [(created["id"], "delivered")]
