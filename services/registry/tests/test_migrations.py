"""Migrations upgrade from empty, match the models, and downgrade to base."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from convenor_registry.app import MIGRATIONS
from convenor_registry.models import Base
from convenor_shared import migrations, testing
from convenor_shared.db import Database


class TestMigrations:
    async def test_upgrade_matches_the_models_and_downgrade_leaves_nothing(self):
        url = await testing.create_database("registry_migrations")
        try:
            await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
            database = Database(url)
            async with database.engine.connect() as conn:
                diff = await conn.run_sync(
                    lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
                )
                assert diff == []
                assert await migrations.current_revision(conn) == migrations.head_revision(
                    MIGRATIONS
                )
            await asyncio.to_thread(migrations.downgrade, MIGRATIONS, url)
            async with database.engine.connect() as conn:
                tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
            assert set(tables) <= {"alembic_version"}
            await database.dispose()
        finally:
            await testing.drop_database(url)
