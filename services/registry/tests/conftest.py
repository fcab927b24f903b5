from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from convenor_registry.app import MIGRATIONS, create_app
from convenor_registry.areas import reference
from convenor_registry.config import RegistrySettings
from convenor_shared import migrations, testing
from convenor_shared.db import Database
from convenor_shared.transactions import commit

from .factories import Api, token_for

BOOTSTRAP_ID = "test-admin"
BOOTSTRAP_SECRET = "test-admin-secret-that-is-long-enough"


def pytest_report_header() -> str:
    return f"convenor registry tests on {testing.backend_name()}"


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    url = await testing.create_database("registry")
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    database = Database(url)
    async with database.session() as session:
        await reference.load_all(session)
        await commit(session)
    await database.dispose()
    yield url
    await testing.drop_database(url)


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> RegistrySettings:
    return RegistrySettings(
        database_url=database_url,
        issuer_url="http://testserver",
        signing_key_dir=str(tmp_path_factory.mktemp("keys")),
        bootstrap_client_id=BOOTSTRAP_ID,
        bootstrap_client_secret=BOOTSTRAP_SECRET,
        rate_limit_per_minute=0,
        log_level="WARNING",
        log_json=False,
    )


@pytest.fixture(scope="session")
async def client(settings: RegistrySettings) -> AsyncIterator[httpx.AsyncClient]:
    async with testing.running(create_app(settings)) as http:
        yield http


@pytest.fixture(scope="session")
async def admin(client: httpx.AsyncClient) -> Api:
    return Api(client, await token_for(client, BOOTSTRAP_ID, BOOTSTRAP_SECRET))


@pytest.fixture(scope="session")
def migrations_dir() -> Path:
    return MIGRATIONS
