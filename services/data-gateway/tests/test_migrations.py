"""The gateway's migrations run up from nothing, match the models, and go back down."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from convenor_gateway.app import MIGRATIONS
from convenor_gateway.models import Base
from convenor_shared import migrations, testing
from convenor_shared.db import Database

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
            names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
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

    async def test_readiness_reports_the_head(self, client):
        response = await client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["revision"] == migrations.head_revision(MIGRATIONS)
