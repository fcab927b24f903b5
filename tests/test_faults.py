"""Faults between a service and its database: a crash-restart of PostgreSQL, connections cut,
a slow link. Nothing acknowledged is lost, clients get 503 with Retry-After (never 500, never
a hang), and throughput comes back within seconds.

The registry runs in process; PostgreSQL is a private server started for these tests (the
shared one is not ours to stop), reached through a TCP proxy that can cut or slow the link.
Set CONVENOR_SOAK=1 for more rounds.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from convenor_registry.app import MIGRATIONS, create_app
from convenor_registry.config import RegistrySettings
from convenor_shared import migrations, testing

from .loadgen import Load
from .pgcluster import PrivateCluster
from .tcpproxy import TcpProxy

ROUNDS = 3 if os.environ.get("CONVENOR_SOAK") else 1
ADMIN = ("fault-admin", "fault-admin-secret-long-enough-123")


@pytest.fixture
async def proxy(private_cluster: PrivateCluster) -> AsyncIterator[TcpProxy]:
    tcp = TcpProxy("127.0.0.1", private_cluster.port)
    await tcp.start()
    yield tcp
    await tcp.close()


@pytest.fixture
async def registry(
    private_cluster: PrivateCluster, proxy: TcpProxy
) -> AsyncIterator[httpx.AsyncClient]:
    name = f"faults_{os.getpid()}_{int(time.time() * 1000) % 100000}"
    admin = await asyncpg.connect(
        f"postgresql://postgres@127.0.0.1:{private_cluster.port}/postgres"
    )
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, private_cluster.url(database=name))
    settings = RegistrySettings(
        database_url=private_cluster.url(port=proxy.port, database=name),
        database_timeout_seconds=2.0,
        issuer_url="http://testserver",
        signing_key_dir=tempfile.mkdtemp(),
        bootstrap_client_id=ADMIN[0],
        bootstrap_client_secret=ADMIN[1],
        rate_limit_per_minute=0,
        log_level="ERROR",
        log_json=False,
    )
    async with testing.running(create_app(settings)) as client:
        token = (
            await client.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=ADMIN)
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        client.headers["X-Database"] = name  # remembered for the check below; ignored by the app
        yield client


def load_on(client: httpx.AsyncClient) -> Load:
    async def send(key: str) -> httpx.Response:
        return await client.post(
            "/v1/partnerships",
            json={"name": f"board {key}", "type": "csp"},
            headers={"Idempotency-Key": key},
        )

    return Load(send=send, workers=4, timeout=20.0)


async def stored_ids(cluster: PrivateCluster, database: str) -> set[str]:
    conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{cluster.port}/{database}")
    try:
        rows = await conn.fetch("SELECT id FROM partnerships")
    finally:
        await conn.close()
    return {str(row["id"]) for row in rows}


def assert_clean(load: Load) -> None:
    statuses = {o.status for o in load.outcomes}
    assert statuses <= {201, 503}, f"unexpected statuses {statuses - {201, 503}}"
    unavailable = [o for o in load.outcomes if o.status == 503]
    assert all(o.retry_after for o in unavailable), "a 503 without Retry-After"
    slowest = max(o.elapsed for o in load.outcomes)
    assert slowest < 15, f"a request hung for {slowest:.1f}s"


class TestDatabaseCrash:
    async def test_nothing_acknowledged_is_lost_and_service_recovers(
        self, private_cluster: PrivateCluster, registry: httpx.AsyncClient
    ):
        load = load_on(registry)
        load.start()
        recoveries = []
        for _ in range(ROUNDS):
            await asyncio.sleep(1.5)
            await asyncio.to_thread(private_cluster.stop_immediately)
            await asyncio.sleep(1.5)
            await asyncio.to_thread(private_cluster.start)
            restarted = time.monotonic()
            await asyncio.sleep(4)
            recovered = [o.started for o in load.successes_after(restarted)]
            assert recovered, "no request succeeded after the restart"
            recoveries.append(min(recovered) - restarted)
        await load.stop()

        assert_clean(load)
        assert any(o.status == 503 for o in load.outcomes), "the outage was not seen"
        assert max(recoveries) < 10
        acknowledged = {str(o.body["id"]) for o in load.outcomes if o.status == 201 and o.body}
        stored = await stored_ids(private_cluster, registry.headers["X-Database"])
        assert acknowledged, "no request succeeded"
        assert acknowledged <= stored, f"{len(acknowledged - stored)} acknowledged writes lost"


class TestLinkFaults:
    async def test_cut_connections_give_503_and_then_recover(
        self, private_cluster: PrivateCluster, proxy: TcpProxy, registry: httpx.AsyncClient
    ):
        load = load_on(registry)
        load.start()
        for _ in range(ROUNDS * 3):
            await asyncio.sleep(0.7)
            proxy.cut()
        cut_at = time.monotonic()
        await asyncio.sleep(2.5)
        await load.stop()

        assert_clean(load)
        assert load.successes_after(cut_at), "no request succeeded after the last cut"
        acknowledged = {str(o.body["id"]) for o in load.outcomes if o.status == 201 and o.body}
        assert acknowledged <= await stored_ids(private_cluster, registry.headers["X-Database"])

    async def test_a_slow_link_slows_requests_but_fails_none(
        self, private_cluster: PrivateCluster, proxy: TcpProxy, registry: httpx.AsyncClient
    ):
        proxy.delay = 0.02
        load = load_on(registry)
        load.start()
        await asyncio.sleep(3)
        await load.stop()
        assert {o.status for o in load.outcomes} == {201}
        assert len(load.outcomes) >= 4
