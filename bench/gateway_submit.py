"""Submitting a data request, against a bare FastAPI POST of the same body, in one run; and the
same endpoint with the audit hash chain against a plain audit insert.

    .venv/bin/python bench/gateway_submit.py [--rounds 3] [--seconds 8] [--connections 16]

``POST /v1/requests`` with ``submit: true`` does the whole job: token check, validation, the
gateway rules, the idempotency key, the insert, two transitions, two audit entries, the change
feed, one transaction committed with ``synchronous_commit=on`` (on PostgreSQL shared by up to
``GATEWAY_GROUP_COMMIT_MAX`` concurrent submissions; each round prints how many requests each
commit carried, from the server's ``/metrics``). Three servers run on one
uvicorn worker each: the bare FastAPI POST (``_bare_app``), the gateway, and the gateway with
the hash-chained append swapped for a plain insert into a table with a sequence. wrk drives each
in turn, every request with a fresh ``Idempotency-Key``. A small fake registry (JWKS, token,
two organisations) runs beside them; after the first requests its answers are cached.
Needs PostgreSQL on localhost:5432 and wrk.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

try:
    from _servers import ROOT, median, uvicorn
except ImportError:  # imported by uvicorn in a server process
    from bench._servers import ROOT, median, uvicorn

SERVICE = ("bench-gateway", "bench-gateway-secret-long-enough-1234")
OPCC, COUNCIL = str(uuid.uuid4()), str(uuid.uuid4())


def body() -> dict[str, Any]:
    return {
        "holder_organisation_id": COUNCIL,
        "purpose": "crime_and_disorder_reduction",
        "statutory_function": "Crime and disorder functions (CDA 1998 ss5-7; PRSRA 2011 s10)",
        "justification": "The strategic assessment needs ward-level anti-social behaviour trends.",
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


# --- servers (imported by uvicorn in their own processes) ---------------------------------


def create_registry() -> FastAPI:
    """The registry as the gateway sees it: JWKS, the token endpoint, two organisations."""
    from joserfc.jwk import OKPKey

    from convenor_shared.testing import LocalIssuer

    issuer = LocalIssuer(os.environ["BENCH_ISSUER"])
    issuer.key = OKPKey.import_key(json.loads(os.environ["BENCH_KEY"]))
    organisations = json.loads(os.environ["BENCH_ORGANISATIONS"])
    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/oauth/jwks.json")
    async def jwks() -> dict[str, Any]:
        return issuer.jwks()

    @app.post("/oauth/token")
    async def token(request: Request) -> dict[str, Any]:
        access = issuer.token(["registry:read"], client_id=SERVICE[0], lifetime=3600)
        return {"access_token": access, "token_type": "Bearer", "expires_in": 3600}

    @app.get("/v1/organisations/{organisation_id}")
    async def organisation(organisation_id: str) -> JSONResponse:
        found = organisations.get(organisation_id)
        return JSONResponse(found or {"detail": "no such organisation"}, 200 if found else 404)

    return app


def create_plain_gateway() -> FastAPI:
    """The gateway with the audit append replaced by a plain insert: no head read, no hashes."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import AsyncSession

    from convenor_gateway.app import create_app
    from convenor_gateway.audit import service as audit_service

    insert = text("INSERT INTO audit_plain (entry, at) VALUES (CAST(:entry AS jsonb), :at)")

    async def plain_append(session: AsyncSession) -> None:
        pending = session.info.pop("gateway.audit", [])
        if pending:
            rows = [{"entry": json.dumps(item.entry), "at": item.at} for item in pending]
            await session.execute(insert, rows)

    audit_service._append = plain_append  # type: ignore[assignment]
    return create_app()


# --- the run ---------------------------------------------------------------------------------

LUA = """
wrk.method = "POST"
wrk.body = [[%(body)s]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
local counter = 0
request = function()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = "%(prefix)s-" .. counter
  return wrk.format(nil, "/v1/requests")
end
"""


def cpu_seconds(base: str) -> float:
    """CPU time (user + system) used so far by the server process listening at ``base``."""
    port = base.rsplit(":", 1)[1]
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
            if b"--port" in args and args[args.index(b"--port") + 1] == port.encode():
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            continue
    return float("nan")


def batching(base: str) -> tuple[float, float]:
    """(group-commit batches, requests in them) so far, from the server's ``/metrics``."""
    import httpx

    text = httpx.get(f"{base}/metrics", timeout=10).text
    found = {
        name: float(value)
        for name, value in re.findall(r"^convenor_group_commit_(\w+)_total (\S+)$", text, re.M)
    }
    return found.get("batches", 0.0), found.get("requests", 0.0)


def load(base: str, token: str, seconds: int, connections: int) -> float:
    """Requests per second of ``POST /v1/requests`` from wrk; every response must be 2xx."""
    values = {"body": json.dumps(body()), "token": token, "prefix": uuid.uuid4().hex}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % values)
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", script.name, base]
    output = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{base}: {errors.group(1)} error responses\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not match:
        raise RuntimeError(output)
    return float(match.group(1))


async def prepare(name: str) -> str:
    import asyncpg

    from convenor_gateway.app import MIGRATIONS
    from convenor_shared import migrations, testing

    if testing.database_server() is None:
        raise SystemExit("this benchmark needs PostgreSQL on localhost:5432")
    url = await testing.create_database(name)
    await asyncio.to_thread(migrations.upgrade, MIGRATIONS, url)
    database = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(f'ALTER DATABASE "{database}" SET synchronous_commit = on')
        await conn.execute(
            "CREATE TABLE audit_plain (id bigserial PRIMARY KEY, entry jsonb NOT NULL, "
            "at timestamptz NOT NULL)"
        )
        settings = await conn.fetch(
            "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit')"
        )
    finally:
        await conn.close()
    print("  postgres:", ", ".join(f"{r['name']}={r['setting']}" for r in settings))
    return url


async def serial_commits(url: str, seconds: float = 3.0) -> float:
    """Commits per second of one connection inserting a row per transaction: the ceiling of
    any design that commits one transaction at a time (fsync latency decides it)."""
    import time

    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute("CREATE TABLE bench_commits (n int)")
        count, deadline = 0, time.monotonic() + seconds
        started = time.monotonic()
        while time.monotonic() < deadline:
            async with conn.transaction():
                await conn.execute("INSERT INTO bench_commits VALUES ($1)", count)
            count += 1
        return count / (time.monotonic() - started)
    finally:
        await conn.close()


async def chain_report(url: str) -> Any:
    from convenor_gateway.audit import service as audit_service
    from convenor_shared.db import Database

    database = Database(url)
    try:
        return await audit_service.check_chain(database)
    finally:
        await database.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    from joserfc.jwk import OKPKey

    from convenor_shared import testing

    key = OKPKey.generate_key("Ed25519")
    key.ensure_kid()
    organisations = {
        OPCC: {"id": OPCC, "name": "Bench OPCC", "classification": "local_policing_body"},
        COUNCIL: {"id": COUNCIL, "name": "Bench Council", "classification": "local_authority"},
    }
    urls = {v: asyncio.run(prepare(f"bench_gateway_{v}")) for v in ("chain", "plain")}
    env = {
        "BENCH_KEY": json.dumps(key.as_dict(private=True)),
        "BENCH_ORGANISATIONS": json.dumps(organisations),
        "PYTHONPATH": str(ROOT),
    }
    results: dict[str, list[float]] = {"bare": [], "chain": [], "plain": []}
    cpu_ms: dict[str, list[float]] = {"bare": [], "chain": [], "plain": []}
    ceiling = asyncio.run(serial_commits(urls["plain"]))
    try:
        with uvicorn("bench.gateway_submit:create_registry", env | {"BENCH_ISSUER": "x"}) as reg:
            env["BENCH_ISSUER"] = reg
        # The issuer URL is the registry's own address, known only once it runs: start again.
        with uvicorn("bench.gateway_submit:create_registry", env) as registry:
            issuer = testing.LocalIssuer(registry)
            issuer.key = key
            token = issuer.token(
                ["gateway:request"], org=uuid.UUID(OPCC), client_id="bench-opcc", lifetime=7200
            )
            gateway_env = {
                "GATEWAY_REGISTRY_URL": registry,
                "GATEWAY_CLIENT_ID": SERVICE[0],
                "GATEWAY_CLIENT_SECRET": SERVICE[1],
                "GATEWAY_RATE_LIMIT_PER_MINUTE": "0",
                "GATEWAY_LOG_LEVEL": "WARNING",
                "GATEWAY_ORGANISATION_CACHE_SECONDS": "3600",
                "GATEWAY_WEBHOOK_DELIVERY_INTERVAL_SECONDS": "0",
                "GATEWAY_DATABASE_POOL_SIZE": "20",
            }
            with (
                uvicorn("bench._bare_app:create_app", env) as bare,
                uvicorn(
                    "convenor_gateway.app:create_app",
                    env | gateway_env | {"GATEWAY_DATABASE_URL": urls["chain"]},
                ) as chain,
                uvicorn(
                    "bench.gateway_submit:create_plain_gateway",
                    env | gateway_env | {"GATEWAY_DATABASE_URL": urls["plain"]},
                ) as plain,
            ):
                servers = {"bare": bare, "chain": chain, "plain": plain}
                for base in servers.values():  # warm up: JWKS, tokens, organisation cache
                    load(base, token, 2, 4)
                for round_ in range(1, args.rounds + 1):
                    for name, base in servers.items():
                        before = cpu_seconds(base)
                        batched_before = batching(base) if name != "bare" else (0.0, 0.0)
                        rps = load(base, token, args.seconds, args.connections)
                        used = (cpu_seconds(base) - before) * 1000 / (rps * args.seconds)
                        results[name].append(rps)
                        cpu_ms[name].append(used)
                        batched = ""
                        if name != "bare":
                            batches, members = (
                                after - earlier
                                for after, earlier in zip(
                                    batching(base), batched_before, strict=True
                                )
                            )
                            batched = f", {members / max(batches, 1):.1f} requests per commit"
                        print(
                            f"  round {round_} {name:5} {rps:8.1f} requests/s, "
                            f"{used:6.2f} ms of server CPU per request{batched}",
                            flush=True,
                        )
        report = asyncio.run(chain_report(urls["chain"]))
    finally:
        for url in urls.values():
            asyncio.run(testing.drop_database(url))
    bare_rps, chain_rps, plain_rps = (median(results[k]) for k in ("bare", "chain", "plain"))
    cpu = {k: median(v) for k, v in cpu_ms.items()}
    print(
        f"bare FastAPI POST            {bare_rps:8.1f} requests/s (median of {args.rounds}), "
        f"{cpu['bare']:.2f} ms CPU/request"
    )
    print(
        f"gateway submit, audit chain  {chain_rps:8.1f} requests/s, "
        f"{cpu['chain']:.2f} ms CPU/request"
    )
    print(
        f"gateway submit, plain audit  {plain_rps:8.1f} requests/s, "
        f"{cpu['plain']:.2f} ms CPU/request"
    )
    print(f"PostgreSQL serial commits    {ceiling:8.1f} commits/s (one connection, fsync)")
    print(f"ratio submit / bare          {chain_rps / bare_rps:8.3f}  (goal >= 0.10)")
    print(f"ratio chain / plain audit    {chain_rps / plain_rps:8.3f}  (goal >= 0.60)")
    print(f"audit chain after the run: ok={report.ok} entries={report.checked}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
