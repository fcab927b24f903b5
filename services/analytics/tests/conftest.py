from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from convenor_analytics.app import MIGRATIONS, create_app
from convenor_analytics.config import AnalyticsSettings
from convenor_shared import migrations, testing

from .factories import CLIENT_ID, CLIENT_SECRET, GATEWAY, REGISTRY, FakeServices, World


def pytest_report_header() -> str:
    return f"convenor analytics tests on {testing.backend_name()}"


async def new_database() -> str:
    url = await testing.create_database("analytics")
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    return url


def settings_for(url: str, **overrides: Any) -> AnalyticsSettings:
    values: dict[str, Any] = {
        "database_url": url,
        "registry_url": REGISTRY,
        "gateway_url": GATEWAY,
        "issuer_url": REGISTRY,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "sync_interval_seconds": 0,
        "sync_page_size": 50,
        "cache_check_seconds": 0,
        "recompute_after_sync": False,
        "rate_limit_per_minute": 0,
        "log_level": "WARNING",
        "log_json": False,
    }
    return AnalyticsSettings(**(values | overrides))


class Analytics:
    """The analytics app under test, its fake neighbours and a reader's token."""

    app: FastAPI

    def __init__(self, client: httpx.AsyncClient, fake: FakeServices) -> None:
        self.client = client
        self.fake = fake
        self.world = World(fake)
        self.headers = fake.issuer.headers(["analytics:read"])

    async def sync(self) -> httpx.Response:
        return await self.client.post("/v1/sync", headers=self.headers)

    async def get(self, url: str, **params: Any) -> httpx.Response:
        return await self.client.get(url, headers=self.headers, params=params)

    async def post(self, url: str, body: dict[str, Any]) -> httpx.Response:
        return await self.client.post(url, headers=self.headers, json=body)

    async def indicator(self, indicator: str, **params: Any) -> dict[str, Any]:
        response = await self.get(f"/v1/indicators/{indicator}", **params)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data


@asynccontextmanager
async def running(url: str, fake: FakeServices, **overrides: Any) -> AsyncIterator[Analytics]:
    app = create_app(settings_for(url, **overrides), http_transport=fake.transport())
    async with testing.running(app) as client:
        service = Analytics(client, fake)
        service.app = app
        yield service


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    url = await new_database()
    yield url
    await testing.drop_database(url)


@pytest.fixture(scope="session")
async def analytics(database_url: str) -> AsyncIterator[Analytics]:
    async with running(database_url, FakeServices()) as service:
        yield service


@pytest.fixture
async def fresh() -> AsyncIterator[str]:
    """A database of its own, for tests of the sync's bookkeeping."""
    url = await new_database()
    yield url
    await testing.drop_database(url)
