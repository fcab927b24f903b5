"""Alembic helpers shared by the services: each service's ``env.py`` is two lines that call
:func:`run_env`, and the CLI, the tests and ``/readyz`` use the functions here.

Migrations run through the async engine on both SQLite and PostgreSQL; on SQLite they render
as batch operations so that ALTERs work.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine


def alembic_config(script_location: Path, url: str) -> Config:
    """An Alembic ``Config`` for a service's migrations folder and database URL."""
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(script_location: Path, url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` (blocking; call from a thread inside an event loop)."""
    command.upgrade(alembic_config(script_location, url), revision)


def downgrade(script_location: Path, url: str, revision: str = "base") -> None:
    """Downgrade the database at ``url`` to ``revision``."""
    command.downgrade(alembic_config(script_location, url), revision)


def head_revision(script_location: Path) -> str | None:
    """The head revision of a service's migration scripts."""
    script = ScriptDirectory.from_config(alembic_config(script_location, "sqlite://"))
    return script.get_current_head()


async def current_revision(conn: AsyncConnection) -> str | None:
    """The revision a database is at, read through an open connection."""

    def read(sync_conn: Connection) -> str | None:
        return MigrationContext.configure(sync_conn).get_current_revision()

    return await conn.run_sync(read)


def run_env(target_metadata: MetaData) -> None:
    """The body of a service's ``migrations/env.py``."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not set"
    is_sqlite = url.startswith("sqlite")

    def run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=is_sqlite,
            compare_type=True,
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    async def main() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(run)
            await connection.commit()
        await engine.dispose()

    asyncio.run(main())
