"""What the OWASP API Security tests share (``test_owasp.py``, ``test_owasp_consumption.py``):
a world of organisations with clients and a data request between two of them, built through
the real services wired together (``stack.py``), and helpers to read problems and forge tokens.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from convenor_analytics.app import create_app as create_analytics
from convenor_gateway.app import create_app as create_gateway
from convenor_registry.app import create_app as create_registry
from convenor_shared import testing

from .stack import ADMIN, ANALYTICS, GATEWAY, REGISTRY, Stack

PROBLEM = "application/problem+json"
PURPOSE = "crime_and_disorder_reduction"
PARTNER = ["registry:read", "registry:write", "gateway:request", "gateway:respond"]
EVERYTHING = [*PARTNER, "gateway:audit", "analytics:read"]
FACTORIES: dict[str, Callable[..., FastAPI]] = {
    "registry": create_registry,
    "gateway": create_gateway,
    "analytics": create_analytics,
}
BASES = {"registry": REGISTRY, "gateway": GATEWAY, "analytics": ANALYTICS}
# A route of each service that any token with the scope may call (GET, no side effects).
PROBE = {
    "registry": f"{REGISTRY}/v1/areas?limit=1",
    "gateway": f"{GATEWAY}/v1/requests",
    "analytics": f"{ANALYTICS}/v1/sync/status",
}
DISTRIBUTIONS = {
    "registry": "convenor-registry",
    "gateway": "convenor-data-gateway",
    "analytics": "convenor-analytics",
}


def problem(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    """Assert ``response`` is an RFC 9457 problem with one of ``statuses``; return its body."""
    assert response.status_code in statuses, (response.status_code, response.text[:500])
    assert response.headers["content-type"] == PROBLEM, response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code and body["type"].startswith("/problems/")
    assert "Traceback" not in response.text
    return body


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def b64(data: bytes | dict[str, Any]) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass
class Party:
    """An organisation in the registry, one API client of it, and an HTTP client with its token."""

    org: dict[str, Any]
    client_id: str
    secret: str
    token: str
    http: httpx.AsyncClient

    @property
    def id(self) -> str:
        return str(self.org["id"])

    async def created(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.http.post(url, json=body, headers=key())
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data

    async def move(self, request_id: str, to: str, **fields: Any) -> httpx.Response:
        return await self.http.post(
            f"{GATEWAY}/v1/requests/{request_id}/transitions", json={"to": to, **fields}
        )


async def new_party(
    stack: Stack, admin: httpx.AsyncClient, name: str, classification: str, scopes: list[str]
) -> Party:
    response = await admin.post(
        f"{REGISTRY}/v1/organisations",
        json={"name": f"{name} {uuid.uuid4().hex[:6]}", "classification": classification},
        headers=key(),
    )
    assert response.status_code == 201, response.text
    org = response.json()
    response = await admin.post(
        f"{REGISTRY}/v1/organisations/{org['id']}/clients",
        json={"name": f"{name} system", "scopes": scopes},
        headers=key(),
    )
    assert response.status_code == 201, response.text
    client = response.json()
    token = await stack.token(client["client_id"], client["client_secret"])
    return Party(org, client["client_id"], client["client_secret"], token, stack.client(token))


def asb_request(holder: Party, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "holder_organisation_id": holder.id,
        "purpose": PURPOSE,
        "statutory_function": "Crime and disorder functions of the local policing body",
        "justification": "Ward-level ASB trends for the strategic assessment.",
        "necessity": "Aggregate counts are the least data that answers it.",
        "legal_gateways": ["cda-1998-s115"],
        "lawful_basis": {"article_6": "public_task"},
        "data_items": [
            {"name": "ward_code", "description": "ONS ward code", "category": "aggregate"},
            {"name": "asb_incidents", "description": "Count", "category": "aggregate"},
        ],
        "identifiability": "aggregate",
        "retention_days": 90,
    }
    return body | overrides


DATASET = b"ward_code,asb_incidents\nE05000001,12\nE05000002,31\nE05000003,17\n"


@dataclass
class World:
    """A (requester) asked B (holder) for data; B approved and delivered. C has every scope a
    partner can hold and no stake in anything of A's or B's. A manages a partnership with a
    meeting. ``admin`` is the bootstrap administrator."""

    admin: httpx.AsyncClient
    a: Party
    b: Party
    c: Party
    request: dict[str, Any]
    partnership: dict[str, Any]
    meeting: dict[str, Any]


@pytest.fixture(scope="module")
async def world(stack: Stack) -> AsyncIterator[World]:
    admin = stack.client(await stack.token(*ADMIN))
    a = await new_party(stack, admin, "OPCC A", "local_policing_body", EVERYTHING)
    b = await new_party(stack, admin, "Council B", "local_authority", EVERYTHING)
    c = await new_party(stack, admin, "Council C", "local_authority", EVERYTHING)
    request = await a.created(f"{GATEWAY}/v1/requests", asb_request(b, submit=True))
    assert (await b.move(request["id"], "approved")).status_code == 200
    delivered = await b.http.put(
        f"{GATEWAY}/v1/requests/{request['id']}/delivery",
        content=DATASET,
        headers={"Content-Type": "text/csv"},
    )
    assert delivered.status_code == 201, delivered.text
    partnership = await a.created(
        f"{REGISTRY}/v1/partnerships", {"name": "A's board", "type": "csp"}
    )
    meeting = await a.created(
        f"{REGISTRY}/v1/partnerships/{partnership['id']}/meetings",
        {"start": "2026-06-10T10:00:00Z", "end": "2026-06-10T12:00:00Z"},
    )
    yield World(admin, a, b, c, request, partnership, meeting)
    for http in (admin, a.http, b.http, c.http):
        await http.aclose()


@asynccontextmanager
async def variant(
    stack: Stack, name: str, transport: httpx.AsyncBaseTransport | None = None, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """Another instance of a service on the stack's database with ``settings`` changed; its
    outbound calls go through ``transport`` (default: to the other real services)."""
    changed = stack.settings[name].model_copy(update=settings)
    app = FACTORIES[name](changed, http_transport=transport or stack.router)
    async with testing.running(app) as client:
        yield client
