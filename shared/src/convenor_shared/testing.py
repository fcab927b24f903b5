"""Test support shared by the services' suites: a real database per test session, apps run
in process with their lifespan, and a local token issuer for services tested without the
registry.

Which database: ``CONVENOR_TEST_DATABASE_URL`` (a PostgreSQL server URL) if set; else a
PostgreSQL server on localhost:5432 if one answers; else SQLite files. With
``CONVENOR_TEST_POSTGRES=required`` (what CI sets) a missing PostgreSQL is an error, never a
silent fallback; with ``CONVENOR_TEST_DATABASE=sqlite`` the suite runs on SQLite even when a
server answers (``make test-sqlite``). Each test session gets its own freshly created
databases, so suites can run side by side on one server.
"""

from __future__ import annotations

import os
import secrets
import socket
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from joserfc import jwt
from joserfc.jwk import OKPKey

DEFAULT_SERVER = "postgresql+asyncpg://postgres@localhost:5432/postgres"


def _postgres_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def database_server() -> str | None:
    """The PostgreSQL server URL to test against, or None for SQLite."""
    required = os.environ.get("CONVENOR_TEST_POSTGRES") == "required"
    if os.environ.get("CONVENOR_TEST_DATABASE") == "sqlite" and not required:
        return None
    url = os.environ.get("CONVENOR_TEST_DATABASE_URL")
    if url:
        return url
    if _postgres_answers("localhost", 5432):
        return DEFAULT_SERVER
    if required:
        raise RuntimeError(
            "CONVENOR_TEST_POSTGRES=required but no PostgreSQL answers on localhost:5432 "
            "and CONVENOR_TEST_DATABASE_URL is not set"
        )
    return None


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def create_database(service: str) -> str:
    """A new, empty database for ``service``; returns its SQLAlchemy URL."""
    server = database_server()
    suffix = f"{service}_{os.getpid()}_{secrets.token_hex(3)}"
    if server is None:
        path = Path(tempfile.gettempdir()) / f"convenor_test_{suffix}.db"
        return f"sqlite+aiosqlite:///{path}"
    name = f"convenor_test_{suffix}"
    conn = await asyncpg.connect(_asyncpg_dsn(_with_database(server, "postgres")))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return _with_database(server, name)


async def drop_database(url: str) -> None:
    """Remove a database made by :func:`create_database`."""
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            candidate.unlink(missing_ok=True)
        return
    name = urlsplit(url).path.lstrip("/")
    conn = await asyncpg.connect(_asyncpg_dsn(_with_database(url, "postgres")))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def backend_name() -> str:
    return "postgresql" if database_server() else "sqlite"


@asynccontextmanager
async def running(
    app: FastAPI, base_url: str = "http://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    """Run ``app``'s lifespan and give a client that talks to it in process."""
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        # The app itself, not the manager's wrapper: that one shares one state dict among
        # all requests, where a server gives each request its own copy.
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


class LocalIssuer:
    """A token issuer for tests of a service on its own: signs tokens with its own key and
    serves the JWKS at ``<issuer>/oauth/jwks.json`` through :meth:`transport`."""

    def __init__(self, issuer: str = "http://registry.test") -> None:
        self.issuer = issuer
        self.key = OKPKey.generate_key("Ed25519")
        self.key.ensure_kid()
        self.revoked: set[str] = set()

    def jwks(self) -> dict[str, Any]:
        public: dict[str, Any] = dict(self.key.as_dict(private=False))
        public.update({"kid": self.key.kid, "alg": "Ed25519", "use": "sig"})
        return {"keys": [public]}

    def token(
        self,
        scopes: Iterable[str],
        *,
        org: uuid.UUID | None = None,
        org_kind: str | None = None,
        client_id: str | None = None,
        audience: list[str] | str | None = None,
        lifetime: int = 600,
        **overrides: Any,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": client_id or f"test-{secrets.token_hex(4)}",
            "aud": audience or ["convenor-registry", "convenor-gateway", "convenor-analytics"],
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": secrets.token_hex(8),
            "scope": " ".join(scopes),
        }
        if org is not None:
            claims["org"] = str(org)
        if org_kind is not None:
            claims["org_kind"] = org_kind
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(
            {"alg": "Ed25519", "kid": self.key.kid, "typ": "at+jwt"},
            claims,
            self.key,
            algorithms=["Ed25519"],
        )

    def headers(self, scopes: Iterable[str], **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(scopes, **kwargs)}"}

    def handle(self, request: httpx.Request) -> httpx.Response | None:
        """Answer a JWKS request, or None for anything else."""
        if str(request.url) == self.issuer + "/oauth/jwks.json":
            return httpx.Response(200, json=self.jwks())
        if str(request.url) == self.issuer + "/oauth/revocations":
            return httpx.Response(200, json={"revoked": [{"client_id": c} for c in self.revoked]})
        return None

    def transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            return self.handle(request) or httpx.Response(404, json={"detail": "not faked"})

        return httpx.MockTransport(handler)
