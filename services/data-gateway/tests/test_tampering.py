"""Tampering with the stored audit log: changing, deleting, swapping or inserting an entry, or
cutting the tail after a checkpoint, is caught every time, and both ``POST /v1/audit/verify``
and the offline CLI (``audit export`` then ``audit verify``) name the first bad entry exactly.

These tests rewrite the log, so they run on a database of their own, restored after each."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, insert, select, update

from convenor_gateway import cli
from convenor_gateway.app import MIGRATIONS, create_app
from convenor_gateway.audit import checkpoints
from convenor_gateway.config import GatewaySettings
from convenor_gateway.evidence.canonical import canonical_bytes, chain_step
from convenor_gateway.evidence.merkle import leaf_hash
from convenor_gateway.models import AuditEntry
from convenor_shared import migrations, testing
from convenor_shared.db import Database

from .factories import Api, admin, asb_request, partner

Rows = list[dict[str, Any]]


@dataclass
class Log:
    client: httpx.AsyncClient
    root: Api
    database: Database
    url: str
    checkpoint_size: int
    size: int
    genuine: Rows
    before_checkpoint: httpx.Response


@pytest.fixture(scope="module")
async def log(settings: GatewaySettings, registry, issuer, resolver) -> AsyncIterator[Log]:
    url = await testing.create_database("gateway_tamper")
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    app = create_app(
        settings.model_copy(update={"database_url": url}),
        http_transport=httpx.MockTransport(registry.handle),
        resolver=resolver,
    )
    async with testing.running(app) as http:
        opcc = partner(http, registry, issuer, "local_policing_body")
        council = partner(http, registry, issuer, "local_authority")
        for _ in range(3):
            created = await opcc.created("/v1/requests", asb_request(council, submit=True))
            await council.move(created["id"], "acknowledged")
            await council.move(created["id"], "approved")
        before = await http.get("/v1/audit/checkpoints/latest")
        rt = app.state.runtime
        await checkpoints.catch_up(rt.database, rt.signing_keys, max_entries=100_000)
        await opcc.created("/v1/requests", asb_request(council, submit=True))  # past it
        columns = [getattr(AuditEntry, c.name) for c in AuditEntry.__table__.columns]
        async with rt.database.session() as session:
            genuine = [
                dict(row._mapping)
                for row in await session.execute(select(*columns).order_by(AuditEntry.index))
            ]
        latest = await http.get(
            "/v1/audit/checkpoints/latest", headers={"Accept": "application/json"}
        )
        database = Database(url)
        try:
            yield Log(
                http,
                admin(http, issuer),
                database,
                url,
                latest.json()["tree_size"],
                len(genuine),
                genuine,
                before,
            )
        finally:
            await database.dispose()
    await testing.drop_database(url)


async def restore(log: Log) -> None:
    async with log.database.session() as session:
        await session.execute(delete(AuditEntry))
        await session.execute(insert(AuditEntry), log.genuine)
        await session.commit()


async def change(log: Log, i: int) -> None:
    row = log.genuine[i]
    forged = row["canonical"].replace(b'"event":"', b'"event":"x', 1)
    await _set(log, i, canonical=forged)


async def delete_one(log: Log, i: int) -> None:
    async with log.database.session() as session:
        await session.execute(delete(AuditEntry).where(AuditEntry.index == i))
        await session.commit()


async def swap_with_next(log: Log, i: int) -> None:
    a, b = log.genuine[i], log.genuine[i + 1]
    fields = ("canonical", "leaf_hash", "chain_hash", "at", "request_id")
    await _set(log, i, **{f: b[f] for f in fields})
    await _set(log, i + 1, **{f: a[f] for f in fields})


async def insert_one(log: Log, i: int) -> None:
    """A forged entry slipped in at ``i``, hashed and chained after ``i - 1`` as a writer with
    database access would; everything after it moves up one."""
    entry = json.loads(log.genuine[i]["canonical"]) | {"event": "consultation", "view": "forged"}
    canonical = canonical_bytes(entry)
    leaf = leaf_hash(canonical)
    previous = bytes.fromhex(log.genuine[i - 1]["chain_hash"]) if i else bytes(32)
    async with log.database.session() as session:
        # Two steps, through negative indices, so no two rows ever share an index.
        await session.execute(
            update(AuditEntry).where(AuditEntry.index >= i).values(index=-AuditEntry.index - 1)
        )
        await session.execute(
            update(AuditEntry).where(AuditEntry.index < 0).values(index=-AuditEntry.index)
        )
        await session.execute(
            insert(AuditEntry).values(
                index=i,
                canonical=canonical,
                leaf_hash=leaf.hex(),
                chain_hash=chain_step(previous, leaf).hex(),
                at=log.genuine[i]["at"],
                request_id=log.genuine[i]["request_id"],
            )
        )
        await session.commit()


async def truncate_from(log: Log, i: int) -> None:
    async with log.database.session() as session:
        await session.execute(delete(AuditEntry).where(AuditEntry.index >= i))
        await session.commit()


async def rewrite_one(log: Log, i: int) -> None:
    """An insider edits an entry and recomputes its own leaf and chain hashes."""
    entry = json.loads(log.genuine[i]["canonical"]) | {"purpose": "research_statistics"}
    canonical = canonical_bytes(entry)
    leaf = leaf_hash(canonical)
    previous = bytes.fromhex(log.genuine[i - 1]["chain_hash"]) if i else bytes(32)
    await _set(
        log,
        i,
        canonical=canonical,
        leaf_hash=leaf.hex(),
        chain_hash=chain_step(previous, leaf).hex(),
    )


async def _set(log: Log, i: int, **values: Any) -> None:
    async with log.database.session() as session:
        await session.execute(update(AuditEntry).where(AuditEntry.index == i).values(**values))
        await session.commit()


Tamper = Callable[[Log, int], Awaitable[None]]
# (tamper, where: "first", "middle", "checkpoint" = the last entry it covers, "tail" = past it)
CASES: list[tuple[Tamper, str]] = [
    (change, "first"),
    (change, "middle"),
    (change, "tail"),
    (delete_one, "middle"),
    (delete_one, "checkpoint"),
    (swap_with_next, "first"),
    (swap_with_next, "middle"),
    (insert_one, "middle"),
    (insert_one, "checkpoint"),
    (truncate_from, "middle"),
    (truncate_from, "checkpoint"),
    (rewrite_one, "middle"),
]


def position(log: Log, where: str) -> int:
    return {
        "first": 0,
        "middle": log.checkpoint_size // 2,
        "checkpoint": log.checkpoint_size - 1,
        "tail": log.size - 1,
    }[where]


async def cli_verdict(log: Log, tmp_path: Path, monkeypatch, capsys) -> tuple[int, dict[str, Any]]:
    monkeypatch.setenv("GATEWAY_DATABASE_URL", log.url)
    out = str(tmp_path / "audit.jsonl")
    assert await asyncio.to_thread(cli.main, ["audit", "export", "--out", out]) == 0
    capsys.readouterr()
    code = await asyncio.to_thread(cli.main, ["audit", "verify", out])
    return code, json.loads(capsys.readouterr().out)


class TestTheGenuineLog:
    async def test_before_the_first_checkpoint_there_is_none_to_show(self, log: Log):
        assert log.before_checkpoint.status_code == 404
        assert log.before_checkpoint.json()["type"] == "/problems/no-checkpoint"

    async def test_it_verifies_through_the_api_and_offline(
        self, log: Log, tmp_path, monkeypatch, capsys
    ):
        report = (await log.root.post("/v1/audit/verify")).json()
        assert report["ok"] is True and report["checked"] == log.size, report
        assert log.checkpoint_size < log.size  # some entries are past the checkpoint
        code, offline = await cli_verdict(log, tmp_path, monkeypatch, capsys)
        assert code == 0 and offline["ok"] is True and offline["tree_size"] == log.checkpoint_size


class TestTampering:
    @pytest.mark.parametrize(
        ("tamper", "where"), CASES, ids=[f"{t.__name__}-{w}" for t, w in CASES]
    )
    async def test_the_first_bad_entry_is_named_exactly(
        self, log: Log, tamper: Tamper, where: str, tmp_path, monkeypatch, capsys
    ):
        bad = position(log, where)
        await tamper(log, bad)
        try:
            report = (await log.root.post("/v1/audit/verify")).json()
            assert report["ok"] is False, report
            assert report["first_bad_index"] == bad, report
            code, offline = await cli_verdict(log, tmp_path, monkeypatch, capsys)
            assert code == 1, offline
            assert offline["first_bad_index"] == bad, offline
            assert str(bad) in offline["reason"]
        finally:
            await restore(log)
