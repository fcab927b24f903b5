"""``convenor-registry demo load`` and ``convenor-registry demo generate``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

import httpx

from convenor_registry.config import RegistrySettings
from convenor_registry.demo import gateway_requests, synthetic
from convenor_registry.demo import service as demo_service
from convenor_shared.db import Database, utcnow
from convenor_shared.transactions import commit


async def _load(settings: RegistrySettings, args: argparse.Namespace) -> dict[str, Any]:
    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            result = await demo_service.load(session)
            await commit(session)
        if args.no_requests:
            return result
        async with httpx.AsyncClient(timeout=15) as http:
            gateway = args.gateway_url.rstrip("/")
            if not await gateway_requests.gateway_ready(http, gateway):
                result["data_requests"] = {"note": f"no data gateway at {gateway}; skipped"}
                return result
            async with database.session() as session:
                clients = await gateway_requests.make_clients(session)
                await commit(session)
            result["data_requests"] = await gateway_requests.create(
                http, args.registry_url.rstrip("/"), gateway, clients, utcnow().date()
            )
        return result
    finally:
        await database.dispose()


def cmd_load(args: argparse.Namespace, settings: RegistrySettings) -> int:
    started = time.perf_counter()
    result = asyncio.run(_load(settings, args))
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))
    if not result["loaded"]:
        print("The demo landscape was already there; it was left as it is.", file=sys.stderr)
    note = result.get("data_requests", {}).get("note")
    if note:
        print(f"Data requests: {note}.", file=sys.stderr)
    return 0


async def _generate(settings: RegistrySettings, args: argparse.Namespace) -> dict[str, Any]:
    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            return await synthetic.generate(
                session, areas=args.areas, seed=args.seed, years=args.years, now=utcnow()
            )
    finally:
        await database.dispose()


def cmd_generate(args: argparse.Namespace, settings: RegistrySettings) -> int:
    started = time.perf_counter()
    result = asyncio.run(_generate(settings, args))
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))
    return 0


def register(commands: Any) -> None:
    demo = commands.add_parser("demo", help="demo and synthetic landscapes").add_subparsers(
        dest="demo_command", required=True
    )
    load = demo.add_parser(
        "load", help="load the demo landscape from the APCC report's case studies (idempotent)"
    )
    load.add_argument("--registry-url", default="http://127.0.0.1:8001")
    load.add_argument("--gateway-url", default="http://127.0.0.1:8002")
    load.add_argument(
        "--no-requests", action="store_true", help="do not make data requests in the gateway"
    )
    load.set_defaults(run=cmd_load)
    generate = demo.add_parser(
        "generate",
        help="write a seeded synthetic landscape (bulk; history and change feed included)",
    )
    generate.add_argument("--areas", type=int, default=43, help="force areas (GSS order)")
    generate.add_argument("--seed", type=int, default=1)
    generate.add_argument("--years", type=int, default=2, help="years of meetings")
    generate.set_defaults(run=cmd_generate)
