"""The audit log: one entry per event, in commit order, hash-chained, checkable."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import rfc8785
from sqlalchemy import select, text, update

from convenor_gateway import cli
from convenor_gateway.audit import repository as audit_repository
from convenor_gateway.audit import service as audit_service
from convenor_gateway.models import AuditEntry
from convenor_shared.db import Database

from .factories import Api, admin, asb_request, partner

AUDIT = ("gateway:audit",)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    yield db
    await db.dispose()


async def entries_of(api: Api, request_id: str) -> list[dict[str, Any]]:
    response = await api.get("/v1/audit/entries", params={"request_id": request_id, "limit": 100})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


class TestAuditEntries:
    async def test_each_event_is_one_entry_in_order_and_the_chain_verifies(
        self, client, registry, issuer, database
    ):
        opcc = partner(
            client, registry, issuer, "local_policing_body", scopes=(*AUDIT, "gateway:request")
        )
        council = partner(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/requests", asb_request(council, submit=True))
        await council.move(created["id"], "acknowledged")
        await council.move(created["id"], "approved")
        items = await entries_of(opcc, created["id"])
        assert [i["entry"]["event"] for i in items] == [
            "collection",
            "submission",
            "acknowledgement",
            "approval",
        ]
        indices = [i["index"] for i in items]
        assert indices == sorted(indices)
        approval = items[-1]["entry"]
        assert approval["actor"] == {"client_id": council.client_id, "organisation_id": council.id}
        assert approval["recipients"] == [opcc.id]
        assert approval["transition"] == {"from": "acknowledged", "to": "approved"}
        report = await audit_service.check_chain(database)
        assert report.ok and report.checked >= len(items)

    async def test_entries_hold_hashes_not_the_free_text(self, client, registry, issuer):
        opcc = partner(
            client, registry, issuer, "local_policing_body", scopes=(*AUDIT, "gateway:request")
        )
        council = partner(client, registry, issuer, "local_authority")
        body = asb_request(council, submit=True)
        created = await opcc.created("/v1/requests", body)
        (collection, submission) = await entries_of(opcc, created["id"])
        text = json.dumps([collection["entry"], submission["entry"]])
        assert body["justification"] not in text and body["requesting_officer"] not in text
        assert len(collection["entry"]["justification_sha256"]) == 64
        leaf = hashlib.sha256(b"\x00" + rfc8785.dumps(collection["entry"])).hexdigest()
        assert collection["leaf_hash"] == leaf

    async def test_every_read_of_a_request_by_a_party_is_a_consultation(
        self, client, registry, issuer
    ):
        opcc = partner(
            client, registry, issuer, "local_policing_body", scopes=(*AUDIT, "gateway:request")
        )
        council = partner(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/requests", asb_request(council, submit=True))
        await council.get(f"/v1/requests/{created['id']}")
        await council.get(f"/v1/requests/{created['id']}/history")
        consultations = [
            i["entry"]
            for i in await entries_of(opcc, created["id"])
            if i["entry"]["event"] == "consultation"
        ]
        assert [c["view"] for c in consultations] == ["request", "history"]
        assert consultations[0]["actor"]["organisation_id"] == council.id
        assert consultations[0]["recipients"] == [council.id]


class TestAppendUnderTheLock:
    async def test_a_stale_head_hint_is_caught_and_the_chain_still_verifies(
        self, client, registry, issuer, database
    ):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        await opcc.created("/v1/requests", asb_request(council, submit=True))
        async with database.session() as session:
            older = (
                (
                    await session.execute(
                        select(AuditEntry).order_by(AuditEntry.index.desc()).limit(2)
                    )
                )
                .scalars()
                .all()[-1]
            )
        for key in list(audit_service._HEADS):  # as if another process had appended since
            audit_service._HEADS[key] = (older.index, older.chain_hash)
        await opcc.created("/v1/requests", asb_request(council, submit=True))
        report = await audit_service.check_chain(database)
        assert report.ok, report

    async def test_the_guarded_append_looks_up_the_next_index_and_never_scans_the_log(
        self, client, registry, issuer, database
    ):
        """PostgreSQL switches a prepared statement to a generic plan after five runs; the
        guard must stay an index lookup there too (it once scanned the whole log, on every
        submission, inside the write lock). SQLite does not use this statement."""
        if not database.url.startswith("postgresql"):
            return
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        await opcc.created("/v1/requests", asb_request(council, submit=True))
        async with database.session() as session:  # rolled back: nothing is kept
            await session.execute(
                text(
                    "INSERT INTO audit_log (index, canonical, leaf_hash, chain_hash, at)"
                    " SELECT i, '\\x7b7d', 'x', 'y', now() FROM generate_series("
                    "(SELECT max(index) + 1 FROM audit_log), 20000) AS i"
                )
            )
            await session.execute(text("ANALYZE audit_log"))
            await session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
            plan = (
                await session.execute(
                    text("EXPLAIN (FORMAT JSON) " + audit_repository._APPEND_AFTER.text),
                    {
                        "indexes": [10**9],
                        "canonicals": [b"{}"],
                        "leaves": ["x"],
                        "chains": ["y"],
                        "ats": [None],
                        "request_ids": [None],
                        "head_index": 0,
                        "head_chain": "z",
                        "next_index": 1,
                    },
                )
            ).scalar()
            await session.rollback()
        assert "Seq Scan" not in json.dumps(plan), plan


class TestAuditVisibility:
    async def test_an_organisation_sees_only_its_own_requests_entries(
        self, client, registry, issuer
    ):
        opcc = partner(
            client, registry, issuer, "local_policing_body", scopes=(*AUDIT, "gateway:request")
        )
        stranger = partner(client, registry, issuer, "local_authority", scopes=AUDIT)
        council = partner(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/requests", asb_request(council, submit=True))
        assert await entries_of(stranger, created["id"]) == []
        everything = (await stranger.get("/v1/audit/entries", params={"limit": 1000})).json()
        assert all(i["entry"]["request_id"] != created["id"] for i in everything["items"])
        root = admin(client, issuer)
        assert len(await entries_of(root, created["id"])) == 2

    async def test_reading_the_log_needs_the_audit_scope(self, client, registry, issuer):
        partner_api = partner(client, registry, issuer, "local_authority")
        response = await partner_api.get("/v1/audit/entries")
        assert response.status_code == 403

    async def test_pages_follow_the_index(self, client, registry, issuer):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        await opcc.created("/v1/requests", asb_request(council, submit=True))
        root = admin(client, issuer)
        first = (await root.get("/v1/audit/entries", params={"limit": 2})).json()
        second = (
            await root.get("/v1/audit/entries", params={"limit": 2, "after": first["next_after"]})
        ).json()
        assert [i["index"] for i in first["items"]] == [0, 1]
        assert second["items"][0]["index"] == 2


class TestChainCheck:
    @pytest.mark.parametrize("column", ["canonical", "leaf_hash", "chain_hash"])
    async def test_editing_any_entry_makes_the_check_name_it(
        self, client, registry, issuer, database, column: str
    ):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        await opcc.created("/v1/requests", asb_request(council, submit=True))
        async with database.session() as session:
            victim = (
                (
                    await session.execute(
                        select(AuditEntry).order_by(AuditEntry.index.desc()).limit(3)
                    )
                )
                .scalars()
                .all()[-1]
            )
            original = getattr(victim, column)
            edited: Any = (
                original.replace(b'"purpose":"', b'"purpose":"x')
                if column == "canonical"
                else "0" * 64
            )
            await session.execute(
                update(AuditEntry).where(AuditEntry.index == victim.index).values({column: edited})
            )
            await session.commit()
        try:
            report = await audit_service.check_chain(database)
            assert report.ok is False
            assert report.first_bad_index == victim.index
        finally:
            async with database.session() as session:
                await session.execute(
                    update(AuditEntry)
                    .where(AuditEntry.index == victim.index)
                    .values({column: original})
                )
                await session.commit()

    async def test_the_cli_reports_a_sound_chain(
        self, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ):
        monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
        code = await asyncio.to_thread(cli.main, ["audit", "check"])
        report = json.loads(capsys.readouterr().out)
        assert code == 0 and report["ok"] is True and report["first_bad_index"] is None
