from __future__ import annotations

import asyncio
import base64
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from convenor_gateway.app import MIGRATIONS, create_app
from convenor_gateway.audit import checkpoints
from convenor_gateway.audit import repository as audit_repository
from convenor_gateway.config import GatewaySettings
from convenor_gateway.evidence.key_ring import new_kek_entry
from convenor_shared import migrations, testing

ISSUER = "http://registry.test"
SERVICE_CLIENT = ("convenor-gateway-service", "gateway-service-secret-for-tests")
ORGANISATION_PATH = re.compile(r"^/v1/organisations/([0-9a-f-]{36})$")


def pytest_report_header() -> str:
    return f"convenor gateway tests on {testing.backend_name()}"


@dataclass
class FakeRegistry:
    """The registry at the network edge: the token endpoint, the JWKS and organisations.

    ``failures`` makes lookups of one organisation fail the way a registry can fail; ``hooks``
    answers requests to partners' webhook endpoints (any other host)."""

    issuer: testing.LocalIssuer
    organisations: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    lookups: int = 0
    tokens: int = 0
    hook_status: list[int] = field(default_factory=list)
    received: list[httpx.Request] = field(default_factory=list)

    def add(self, classification: str, name: str, kind: str | None = None) -> dict[str, Any]:
        org = {
            "id": str(uuid.uuid4()),
            "name": name,
            "classification": classification,
            "kind": kind,
            "identifiers": [],
            "area_ids": [],
        }
        self.organisations[org["id"]] = org
        return org

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "registry.test":
            return self._hook(request)
        jwks = self.issuer.handle(request)
        if jwks is not None:
            return jwks
        if request.url.path == "/oauth/token":
            return self._token(request)
        match = ORGANISATION_PATH.match(request.url.path)
        if match is None:
            return httpx.Response(404, json={"detail": "not faked"})
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return httpx.Response(401, json={"detail": "no token"})
        self.lookups += 1
        return await self._organisation(match.group(1))

    def _token(self, request: httpx.Request) -> httpx.Response:
        expected = base64.b64encode(":".join(SERVICE_CLIENT).encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return httpx.Response(401, json={"error": "invalid_client"})
        self.tokens += 1
        token = self.issuer.token(["registry:read"], client_id=SERVICE_CLIENT[0])
        return httpx.Response(
            200, json={"access_token": token, "token_type": "Bearer", "expires_in": 900}
        )

    async def _organisation(self, organisation_id: str) -> httpx.Response:
        failure = self.failures.get(organisation_id)
        if failure == "down":
            raise httpx.ConnectError("connection refused")
        if failure == "slow":
            await asyncio.sleep(2)
        if failure == "garbage":
            return httpx.Response(200, content=b"<html>oops</html>")
        if failure == "huge":
            return httpx.Response(200, content=b'{"x": "' + b"a" * 200_000 + b'"}')
        if failure == "error":
            return httpx.Response(500, json={"detail": "boom"})
        if failure == "unavailable":
            return httpx.Response(503, json={"detail": "starting"})
        org = self.organisations.get(organisation_id)
        if org is None:
            return httpx.Response(404, json={"type": "/problems/not-found"})
        return httpx.Response(200, json=org)

    def _hook(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request)
        status = self.hook_status.pop(0) if self.hook_status else 204
        return httpx.Response(status)


@dataclass
class FakeResolver:
    """DNS for webhook hosts: names map to addresses; anything else does not resolve."""

    names: dict[str, list[str]] = field(default_factory=dict)

    async def __call__(self, host: str, port: int) -> list[str]:
        if host not in self.names:
            raise OSError(f"{host} does not resolve")
        return self.names[host]


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    url = await testing.create_database("gateway")
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    yield url
    await testing.drop_database(url)


@pytest.fixture(scope="session")
def issuer() -> testing.LocalIssuer:
    return testing.LocalIssuer(ISSUER)


@pytest.fixture(scope="session")
def registry(issuer: testing.LocalIssuer) -> FakeRegistry:
    return FakeRegistry(issuer)


@pytest.fixture(scope="session")
def resolver() -> FakeResolver:
    return FakeResolver()


KEK = new_kek_entry("test-kek-1")


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gateway-keys")


@pytest.fixture(scope="session")
def settings(database_url: str, key_dir: Path) -> GatewaySettings:
    return GatewaySettings(
        database_url=database_url,
        registry_url=ISSUER,
        issuer_url=ISSUER,
        client_id=SERVICE_CLIENT[0],
        client_secret=SERVICE_CLIENT[1],
        registry_timeout_seconds=0.3,
        rate_limit_per_minute=0,
        webhook_delivery_interval_seconds=0,
        webhook_backoff_base_seconds=30,
        key_encryption_key=KEK,
        signing_key_dir=str(key_dir),
        checkpoint_origin="convenor-gateway/test",
        checkpoint_interval_seconds=0,
        retention_interval_seconds=0,
        max_delivery_bytes=8 * 1024 * 1024,
        delivery_chunk_bytes=4096,
        log_level="WARNING",
        log_json=False,
    )


@pytest.fixture(scope="session")
def app(settings: GatewaySettings, registry: FakeRegistry, resolver: FakeResolver) -> FastAPI:
    return create_app(
        settings, http_transport=httpx.MockTransport(registry.handle), resolver=resolver
    )


@pytest.fixture(scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with testing.running(app) as http:
        yield http


@pytest.fixture
def checkpoint(app: FastAPI, client: httpx.AsyncClient) -> Any:
    """Sign checkpoints now (the background checkpointer is off in tests); the latest size."""

    async def make() -> int:
        rt = app.state.runtime
        await checkpoints.catch_up(rt.database, rt.signing_keys, max_entries=100_000)
        async with rt.database.session() as session:
            latest = await audit_repository.latest_checkpoint(session)
        assert latest is not None
        return int(latest.tree_size)

    return make
