"""The three real services wired together in one process.

Each app runs its own lifespan on its own fresh database; their outbound HTTP goes through a
transport that routes by host name to the other apps' ASGI interfaces, so a call from the
analytics service to ``http://registry.test/v1/changes`` is a real request to the real
registry, just without a socket.
"""

from __future__ import annotations

import asyncio
import base64
import tempfile
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from convenor_analytics.app import MIGRATIONS as ANALYTICS_MIGRATIONS
from convenor_analytics.app import create_app as create_analytics
from convenor_analytics.config import AnalyticsSettings
from convenor_gateway.app import MIGRATIONS as GATEWAY_MIGRATIONS
from convenor_gateway.app import create_app as create_gateway
from convenor_gateway.config import GatewaySettings
from convenor_gateway.evidence.key_ring import new_kek_entry
from convenor_registry.app import MIGRATIONS as REGISTRY_MIGRATIONS
from convenor_registry.app import create_app as create_registry
from convenor_registry.areas import reference
from convenor_registry.config import RegistrySettings
from convenor_shared import migrations, testing
from convenor_shared.db import Database
from convenor_shared.transactions import commit

REGISTRY, GATEWAY, ANALYTICS = (
    "http://registry.test",
    "http://gateway.test",
    "http://analytics.test",
)
ADMIN = ("stack-admin", "stack-admin-secret-that-is-long-enough")


class Router(httpx.AsyncBaseTransport):
    """Sends each request to the app that owns its host."""

    def __init__(self) -> None:
        self.apps: dict[str, httpx.ASGITransport] = {}

    def mount(self, base: str, app: FastAPI) -> None:
        self.apps[httpx.URL(base).host] = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self.apps.get(request.url.host)
        if transport is None:
            raise httpx.ConnectError(f"no service at {request.url.host}")
        return await transport.handle_async_request(request)


@dataclass
class Stack:
    urls: dict[str, str] = field(default_factory=dict)
    router: Router = field(default_factory=Router)
    apps: dict[str, FastAPI] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    _exits: AsyncExitStack = field(default_factory=AsyncExitStack)

    async def start(self) -> None:
        for name, path in (
            ("registry", REGISTRY_MIGRATIONS),
            ("gateway", GATEWAY_MIGRATIONS),
            ("analytics", ANALYTICS_MIGRATIONS),
        ):
            self.urls[name] = await testing.create_database(f"stack_{name}")
            await asyncio.to_thread(migrations.upgrade, path, self.urls[name])
        database = Database(self.urls["registry"])
        async with database.session() as session:
            await reference.load_all(session)
            await commit(session)
        await database.dispose()
        common = {"rate_limit_per_minute": 0, "log_level": "WARNING", "log_json": False}
        self.settings["registry"] = RegistrySettings(
            database_url=self.urls["registry"],
            issuer_url=REGISTRY,
            signing_key_dir=tempfile.mkdtemp(),
            bootstrap_client_id=ADMIN[0],
            bootstrap_client_secret=ADMIN[1],
            **common,
        )
        self.settings["gateway"] = GatewaySettings(
            database_url=self.urls["gateway"],
            registry_url=REGISTRY,
            issuer_url=REGISTRY,
            client_id=ADMIN[0],
            client_secret=ADMIN[1],
            webhook_delivery_interval_seconds=0,
            key_encryption_key=new_kek_entry("stack-kek"),
            signing_key_dir=tempfile.mkdtemp(),
            checkpoint_interval_seconds=0,
            retention_interval_seconds=0,
            **common,
        )
        self.settings["analytics"] = AnalyticsSettings(
            database_url=self.urls["analytics"],
            registry_url=REGISTRY,
            gateway_url=GATEWAY,
            issuer_url=REGISTRY,
            client_id=ADMIN[0],
            client_secret=ADMIN[1],
            sync_interval_seconds=0,
            **common,
        )
        await self.start_app("registry")
        await self.start_app("gateway")
        await self.start_app("analytics")

    async def start_app(self, name: str) -> FastAPI:
        factory = {
            "registry": create_registry,
            "gateway": create_gateway,
            "analytics": create_analytics,
        }[name]
        app = factory(self.settings[name], http_transport=self.router)
        await self._exits.enter_async_context(LifespanManager(app, startup_timeout=30))
        self.apps[name] = app
        self.router.mount(
            {"registry": REGISTRY, "gateway": GATEWAY, "analytics": ANALYTICS}[name], app
        )
        return app

    async def restart(self, name: str) -> FastAPI:
        """A new app instance of ``name`` on the same database (the old one keeps running)."""
        return await self.start_app(name)

    def client(self, token: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.AsyncClient(transport=self.router, headers=headers, timeout=30)

    async def token(self, client_id: str, secret: str, scope: str | None = None) -> str:
        raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        data = {"grant_type": "client_credentials"} | ({"scope": scope} if scope else {})
        async with self.client() as http:
            response = await http.post(
                f"{REGISTRY}/oauth/token", data=data, headers={"Authorization": f"Basic {raw}"}
            )
        response.raise_for_status()
        return str(response.json()["access_token"])

    async def close(self) -> None:
        await self._exits.aclose()
        for url in self.urls.values():
            await testing.drop_database(url)
