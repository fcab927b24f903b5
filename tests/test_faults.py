"""Faults between a service and its database: a crash-restart of PostgreSQL, connections cut,
a slow link. Nothing acknowledged is lost, clients get 503 with Retry-After (never 500, never
a hang), and throughput comes back within seconds.

The registry and the data gateway run in process; PostgreSQL is a private server started for
these tests (the shared one is not ours to stop), reached through a TCP proxy that can cut or
slow the link. The gateway's token issuer and the organisations it looks up are faked at the
network edge (the registry is another service). After the gateway's crash the audit log must
still verify, with every acknowledged request's entries in it.

Set CONVENOR_SOAK=1 for more rounds. With CONVENOR_RELIABILITY_FIGURES set to a folder, the
module writes ``faults.json`` there: faults injected, requests, 201s, 503s, acknowledged writes
lost, the slowest recovery, and whether the audit log verified.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from convenor_gateway.app import MIGRATIONS as GATEWAY_MIGRATIONS
from convenor_gateway.app import create_app as create_gateway
from convenor_gateway.audit import checkpoints
from convenor_gateway.config import GatewaySettings
from convenor_gateway.evidence.key_ring import new_kek_entry
from convenor_registry.app import MIGRATIONS, create_app
from convenor_registry.config import RegistrySettings
from convenor_shared import migrations, testing

from .loadgen import Load, Outcome
from .pgcluster import PrivateCluster
from .tcpproxy import TcpProxy

ROUNDS = 3 if os.environ.get("CONVENOR_SOAK") else 1
ADMIN = ("fault-admin", "fault-admin-secret-long-enough-123")
RECOVERY_LIMIT = 10.0  # seconds from the restart to the first success

# What the module saw, for CONVENOR_RELIABILITY_FIGURES (each test adds its share).
FIGURES: dict[str, Any] = {
    "rounds": ROUNDS,
    "faults_injected": 0,
    "requests": 0,
    "acknowledged": 0,
    "unavailable_503": 0,
    "acknowledged_lost": 0,
    "max_recovery_seconds": 0.0,
    "audit_verified": None,  # None: the gateway's crash test did not run
}


@pytest.fixture(scope="module", autouse=True)
def reliability_figures() -> Iterator[dict[str, Any]]:
    yield FIGURES
    folder = os.environ.get("CONVENOR_RELIABILITY_FIGURES")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        figures = FIGURES | {"max_recovery_seconds": round(FIGURES["max_recovery_seconds"], 3)}
        (Path(folder) / "faults.json").write_text(json.dumps(figures, indent=2) + "\n")


def count(load: Load, *, faults: int, lost: int = 0, recoveries: Sequence[float] = ()) -> None:
    FIGURES["faults_injected"] += faults
    FIGURES["requests"] += len(load.outcomes)
    FIGURES["acknowledged"] += sum(1 for o in load.outcomes if o.status == 201)
    FIGURES["unavailable_503"] += sum(1 for o in load.outcomes if o.status == 503)
    FIGURES["acknowledged_lost"] += lost
    FIGURES["max_recovery_seconds"] = max([FIGURES["max_recovery_seconds"], *recoveries])


@pytest.fixture
async def proxy(private_cluster: PrivateCluster) -> AsyncIterator[TcpProxy]:
    tcp = TcpProxy("127.0.0.1", private_cluster.port)
    await tcp.start()
    yield tcp
    await tcp.close()


async def new_database(cluster: PrivateCluster, service: str, migrations_path: Any) -> str:
    """A fresh, migrated database on the private cluster (reached directly, not proxied)."""
    name = f"faults_{service}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    await asyncio.to_thread(migrations.upgrade, migrations_path, cluster.url(database=name))
    return name


async def fetch(cluster: PrivateCluster, database: str, query: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{cluster.port}/{database}")
    try:
        return list(await conn.fetch(query))
    finally:
        await conn.close()


@pytest.fixture
async def registry(
    private_cluster: PrivateCluster, proxy: TcpProxy
) -> AsyncIterator[httpx.AsyncClient]:
    name = await new_database(private_cluster, "registry", MIGRATIONS)
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


# --- the data gateway, with the registry faked at the network edge ---------------------------

EDGE = "http://registry.test"
GATEWAY_CLIENT = ("convenor-gateway-service", "gateway-service-secret-for-faults")
ORGANISATION_PATH = re.compile(r"^/v1/organisations/([0-9a-f-]{36})$")


@dataclass
class EdgeRegistry:
    """What the gateway asks of the registry: the JWKS and revocations (a LocalIssuer), a
    token for its own client, and organisations by id. The minimal part of the gateway
    suite's FakeRegistry (its ``tests`` package cannot be imported from here)."""

    issuer: testing.LocalIssuer
    organisations: dict[str, dict[str, Any]] = field(default_factory=dict)

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

    def handle(self, request: httpx.Request) -> httpx.Response:
        answered = self.issuer.handle(request)
        if answered is not None:
            return answered
        if request.url.path == "/oauth/token":
            expected = base64.b64encode(":".join(GATEWAY_CLIENT).encode()).decode()
            if request.headers.get("authorization") != f"Basic {expected}":
                return httpx.Response(401, json={"error": "invalid_client"})
            token = self.issuer.token(["registry:read"], client_id=GATEWAY_CLIENT[0])
            return httpx.Response(
                200, json={"access_token": token, "token_type": "Bearer", "expires_in": 900}
            )
        match = ORGANISATION_PATH.match(request.url.path)
        if match is None or match.group(1) not in self.organisations:
            return httpx.Response(404, json={"type": "/problems/not-found"})
        return httpx.Response(200, json=self.organisations[match.group(1)])


@dataclass
class Gateway:
    client: httpx.AsyncClient
    app: FastAPI
    issuer: testing.LocalIssuer
    database: str
    requester: dict[str, str]  # headers: a police and crime commissioner's client
    holder_id: str  # a council


def asb_request(holder_id: str) -> dict[str, Any]:
    """An OPCC's request to a council for aggregate ASB data: permitted, so it submits."""
    return {
        "holder_organisation_id": holder_id,
        "purpose": "crime_and_disorder_reduction",
        "statutory_function": "Crime and disorder functions of the local policing body "
        "(CDA 1998 ss5-7, PRSRA 2011 s10) for the community safety strategy",
        "justification": "The partnership's strategic assessment needs ward-level ASB trends.",
        "necessity": "Aggregate counts by ward and month are the least data that answers it.",
        "legal_gateways": ["cda-1998-s115", "cda-1998-s17a"],
        "lawful_basis": {"article_6": "public_task"},
        "data_items": [
            {"name": "ward_code", "description": "ONS ward code", "category": "aggregate"},
            {"name": "month", "description": "Calendar month", "category": "aggregate"},
            {"name": "asb_incidents", "description": "ASB incidents", "category": "aggregate"},
        ],
        "identifiability": "aggregate",
        "period_start": "2025-04-01",
        "period_end": "2026-03-31",
        "retention_days": 365,
        "submit": True,
    }


@pytest.fixture
async def gateway(private_cluster: PrivateCluster, proxy: TcpProxy) -> AsyncIterator[Gateway]:
    name = await new_database(private_cluster, "gateway", GATEWAY_MIGRATIONS)
    issuer = testing.LocalIssuer(EDGE)
    edge = EdgeRegistry(issuer)
    settings = GatewaySettings(
        database_url=private_cluster.url(port=proxy.port, database=name),
        database_timeout_seconds=2.0,
        registry_url=EDGE,
        issuer_url=EDGE,
        client_id=GATEWAY_CLIENT[0],
        client_secret=GATEWAY_CLIENT[1],
        rate_limit_per_minute=0,
        webhook_delivery_interval_seconds=0,
        key_encryption_key=new_kek_entry("faults-kek"),
        signing_key_dir=tempfile.mkdtemp(),
        checkpoint_origin="convenor-gateway/faults",
        # The checkpointer runs through the crash: what it signed must still verify after.
        checkpoint_interval_seconds=1,
        retention_interval_seconds=0,
        log_level="CRITICAL",
        log_json=False,
    )
    app = create_gateway(settings, http_transport=httpx.MockTransport(edge.handle))
    opcc = edge.add("local_policing_body", "Fault OPCC", "pcc")
    council = edge.add("local_authority", "Fault Council")
    token = issuer.token(
        ["gateway:request", "gateway:respond"],
        org=uuid.UUID(opcc["id"]),
        org_kind="local_policing_body",
        client_id="fault-opcc",
    )
    async with testing.running(app) as client:
        yield Gateway(
            client, app, issuer, name, {"Authorization": f"Bearer {token}"}, council["id"]
        )


def submit_load(gateway: Gateway) -> Load:
    body = asb_request(gateway.holder_id)

    async def send(key: str) -> httpx.Response:
        return await gateway.client.post(
            "/v1/requests", json=body, headers={**gateway.requester, "Idempotency-Key": key}
        )

    return Load(send=send, workers=4, timeout=20.0)


# --- checks --------------------------------------------------------------------------------


def assert_clean(load: Load) -> None:
    statuses = {o.status for o in load.outcomes}
    assert statuses <= {201, 503}, f"unexpected statuses {statuses - {201, 503}}"
    unavailable = [o for o in load.outcomes if o.status == 503]
    assert all(o.retry_after for o in unavailable), "a 503 without Retry-After"
    slowest = max(o.elapsed for o in load.outcomes)
    assert slowest < 15, f"a request hung for {slowest:.1f}s"


def acknowledged_ids(load: Load) -> set[str]:
    return {str(o.body["id"]) for o in load.outcomes if o.status == 201 and o.body}


async def crash_and_restart(cluster: PrivateCluster, load: Load) -> float:
    """Crash PostgreSQL under the load, restart it, and wait for a request started after the
    restart to succeed: the seconds from the restart to that success (the limit if none)."""
    await asyncio.sleep(1.5)
    await asyncio.to_thread(cluster.stop_immediately)
    await asyncio.sleep(1.5)
    await asyncio.to_thread(cluster.start)
    restarted = time.monotonic()
    deadline = restarted + RECOVERY_LIMIT
    first: Outcome | None = None
    while first is None and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        done = load.successes_after(restarted)
        first = min(done, key=lambda o: o.started + o.elapsed) if done else None
    if first is None:
        return RECOVERY_LIMIT
    await asyncio.sleep(1.0)  # a little steady load after the recovery
    return first.started + first.elapsed - restarted


class TestDatabaseCrash:
    async def test_nothing_acknowledged_is_lost_and_service_recovers(
        self, private_cluster: PrivateCluster, registry: httpx.AsyncClient
    ):
        load = load_on(registry)
        load.start()
        recoveries = [await crash_and_restart(private_cluster, load) for _ in range(ROUNDS)]
        await load.stop()

        acknowledged = acknowledged_ids(load)
        rows = await fetch(
            private_cluster, registry.headers["X-Database"], "SELECT id FROM partnerships"
        )
        lost = acknowledged - {str(row["id"]) for row in rows}
        count(load, faults=ROUNDS, lost=len(lost), recoveries=recoveries)

        assert_clean(load)
        assert any(o.status == 503 for o in load.outcomes), "the outage was not seen"
        assert max(recoveries) < RECOVERY_LIMIT, f"recoveries took {recoveries}"
        assert acknowledged, "no request succeeded"
        assert not lost, f"{len(lost)} acknowledged writes lost"


class TestGatewayDatabaseCrash:
    async def test_submissions_survive_and_the_audit_log_verifies(
        self, private_cluster: PrivateCluster, gateway: Gateway
    ):
        load = submit_load(gateway)
        load.start()
        recoveries = [await crash_and_restart(private_cluster, load) for _ in range(ROUNDS)]
        await load.stop()

        acknowledged = acknowledged_ids(load)
        stored = await fetch(private_cluster, gateway.database, "SELECT id FROM data_requests")
        lost = acknowledged - {str(row["id"]) for row in stored}
        count(load, faults=ROUNDS, lost=len(lost), recoveries=recoveries)

        # Sign what the background checkpointer has not covered yet, then verify the whole
        # log against it with the gateway's own verification.
        rt = gateway.app.state.runtime
        await checkpoints.catch_up(rt.database, rt.signing_keys, max_entries=100_000)
        auditor = gateway.issuer.headers(["gateway:audit"], client_id="fault-auditor")
        verified = await gateway.client.post("/v1/audit/verify", headers=auditor)
        entries = await fetch(
            private_cluster,
            gateway.database,
            'SELECT request_id, canonical FROM audit_log ORDER BY "index"',
        )
        FIGURES["audit_verified"] = verified.status_code == 200 and verified.json()["ok"] is True

        assert_clean(load)
        assert any(o.status == 503 for o in load.outcomes), "the outage was not seen"
        assert max(recoveries) < RECOVERY_LIMIT, f"recoveries took {recoveries}"
        assert acknowledged, "no request succeeded"
        assert not lost, f"{len(lost)} acknowledged requests lost"

        assert verified.status_code == 200, verified.text
        report = verified.json()
        assert report["ok"] is True, report
        assert report["checked"] == len(entries)
        assert report["tree_size"] == len(entries), "the checkpoint does not cover the log"

        events: dict[str, list[str]] = {}
        for row in entries:
            events.setdefault(str(row["request_id"]), []).append(
                json.loads(row["canonical"])["event"]
            )
        for request_id in acknowledged:
            assert events.get(request_id) == ["collection", "submission"], request_id
        assert set(events) <= {str(row["id"]) for row in stored}, "entries of no request"


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

        acknowledged = acknowledged_ids(load)
        rows = await fetch(
            private_cluster, registry.headers["X-Database"], "SELECT id FROM partnerships"
        )
        lost = acknowledged - {str(row["id"]) for row in rows}
        count(load, faults=ROUNDS * 3, lost=len(lost))

        assert_clean(load)
        assert load.successes_after(cut_at), "no request succeeded after the last cut"
        assert not lost, f"{len(lost)} acknowledged writes lost"

    async def test_a_slow_link_slows_requests_but_fails_none(
        self, private_cluster: PrivateCluster, proxy: TcpProxy, registry: httpx.AsyncClient
    ):
        proxy.delay = 0.02
        load = load_on(registry)
        load.start()
        await asyncio.sleep(3)
        await load.stop()
        count(load, faults=1)
        assert {o.status for o in load.outcomes} == {201}
        assert len(load.outcomes) >= 4
