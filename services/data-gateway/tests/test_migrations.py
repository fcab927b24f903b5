"""The gateway's migrations run up from nothing, match the models, and go back down."""

from __future__ import annotations

import asyncio
import json
import uuid

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from convenor_gateway.app import MIGRATIONS
from convenor_gateway.audit import service as audit_service
from convenor_gateway.evidence.canonical import seal
from convenor_gateway.models import AuditEntry, Base
from convenor_shared import migrations, testing
from convenor_shared.db import Database, JSONType, UTCDateTime, utcnow

TABLES = {
    "agreements",
    "audit_checkpoints",
    "audit_log",
    "catalogue_versions",
    "changes",
    "data_requests",
    "deliveries",
    "delivery_chunks",
    "idempotency_keys",
    "merkle_nodes",
    "request_transitions",
    "webhook_deliveries",
    "webhooks",
}


async def table_names(url: str) -> set[str]:
    database = Database(url)
    try:
        async with database.engine.connect() as conn:
            names = await conn.run_sync(lambda sync: set(sa.inspect(sync).get_table_names()))
    finally:
        await database.dispose()
    return names - {"alembic_version"}


async def differences(url: str) -> list[object]:
    database = Database(url)
    try:
        async with database.engine.connect() as conn:
            diff: list[object] = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
    finally:
        await database.dispose()
    return diff


class TestMigrations:
    async def test_upgrade_from_empty_matches_the_models_and_downgrades_to_base(self):
        url = await testing.create_database("gateway_migrations")
        try:
            await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
            assert await table_names(url) == TABLES
            assert await differences(url) == []
            await asyncio.to_thread(migrations.downgrade, MIGRATIONS, url, "base")
            assert await table_names(url) == set()
            await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
            assert await table_names(url) == TABLES
        finally:
            await testing.drop_database(url)

    async def test_entries_logged_before_the_canonical_column_keep_their_hashes(self):
        url = await testing.create_database("gateway_migrations")
        database = Database(url)
        request_id = str(uuid.uuid4())
        entries = [
            {"v": 1, "event": "collection", "request_id": request_id, "n": n} for n in (1, 2)
        ]
        try:
            await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url, "20261126_0001")
            log = sa.table(
                "audit_log",
                sa.column("index"),
                sa.column("entry", JSONType),
                sa.column("leaf_hash"),
                sa.column("chain_hash"),
                sa.column("at", UTCDateTime()),
            )
            rows = list(seal(entries))
            async with database.engine.begin() as conn:
                await conn.execute(
                    sa.insert(log),
                    [row.as_dict() | {"at": utcnow()} for row in rows],
                )
            await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
            assert (await audit_service.check_chain(database)).ok
            async with database.session() as session:
                stored = (
                    (await session.execute(sa.select(AuditEntry).order_by(AuditEntry.index)))
                    .scalars()
                    .all()
                )
            assert [json.loads(row.canonical) for row in stored] == entries
            assert {str(row.request_id) for row in stored} == {request_id}
            await asyncio.to_thread(migrations.downgrade, MIGRATIONS, url, "20261126_0001")
            async with database.engine.connect() as conn:
                back = (await conn.execute(sa.select(log.c.entry).order_by(log.c.index))).all()
            assert [row[0] for row in back] == entries
        finally:
            await database.dispose()
            await testing.drop_database(url)

    async def test_readiness_reports_the_head(self, client):
        response = await client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["revision"] == migrations.head_revision(MIGRATIONS)
