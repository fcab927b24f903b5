"""``convenor-registry``: serve, migrate, and administer the registry."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.app import MIGRATIONS, create_app
from convenor_registry.areas import reference
from convenor_registry.clients import service as clients_service
from convenor_registry.clients.schemas import ClientCreate
from convenor_registry.config import RegistrySettings
from convenor_registry.demo import commands as demo_commands
from convenor_registry.oauth.keys import generate_key_file
from convenor_registry.organisations import service as organisations_service
from convenor_shared import migrations
from convenor_shared.db import Database
from convenor_shared.transactions import commit


async def _in_session(
    settings: RegistrySettings, work: Callable[[AsyncSession], Awaitable[Any]]
) -> Any:
    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            result = await work(session)
            await commit(session)
            return result
    finally:
        await database.dispose()


def cmd_serve(args: argparse.Namespace, settings: RegistrySettings) -> int:
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_config=None,
        workers=1,
        proxy_headers=True,
    )
    return 0


def cmd_migrate(args: argparse.Namespace, settings: RegistrySettings) -> int:
    migrations.upgrade(MIGRATIONS, settings.database_url, args.revision)
    if args.revision == "head" and not args.no_reference_data:
        counts = asyncio.run(_in_session(settings, reference.load_all))
        print(json.dumps({"migrated_to": args.revision, **counts}))
    return 0


def cmd_downgrade(args: argparse.Namespace, settings: RegistrySettings) -> int:
    migrations.downgrade(MIGRATIONS, settings.database_url, args.revision)
    return 0


def cmd_clients_create(args: argparse.Namespace, settings: RegistrySettings) -> int:
    async def work(session: AsyncSession) -> dict[str, Any]:
        organisation = await organisations_service.get(session, uuid.UUID(args.org))
        body = ClientCreate(name=args.name, scopes=args.scopes, auth_method="client_secret_basic")
        client, secret = await clients_service.create(session, organisation, body, None)
        return {"client_id": client.client_id, "client_secret": secret, "scopes": client.scopes}

    print(json.dumps(asyncio.run(_in_session(settings, work)), indent=2))
    print("Store the secret now: it is not shown again.", file=sys.stderr)
    return 0


def cmd_keys_rotate(args: argparse.Namespace, settings: RegistrySettings) -> int:
    path = generate_key_file(Path(settings.signing_key_dir))
    print(json.dumps({"new_signing_key": str(path)}))
    print(
        "Running registries start signing with it within 30 seconds; remove an old key file "
        "only after the token lifetime has passed.",
        file=sys.stderr,
    )
    return 0


def cmd_areas_load_lookup(args: argparse.Namespace, settings: RegistrySettings) -> int:
    rows = reference.parse_ons_lookup(Path(args.file).read_text("utf-8-sig"))

    async def work(session: AsyncSession) -> int:
        return await reference.load_local_authorities(session, rows)

    created = asyncio.run(_in_session(settings, work))
    print(json.dumps({"rows": len(rows), "local_authorities_created": created}))
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="convenor-registry", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8001)
    serve.set_defaults(run=cmd_serve)

    migrate = commands.add_parser("migrate", help="upgrade the database and load reference data")
    migrate.add_argument("--revision", default="head")
    migrate.add_argument("--no-reference-data", action="store_true")
    migrate.set_defaults(run=cmd_migrate)

    downgrade = commands.add_parser("downgrade", help="downgrade the database")
    downgrade.add_argument("--revision", default="base")
    downgrade.set_defaults(run=cmd_downgrade)

    clients = commands.add_parser("clients", help="API clients").add_subparsers(
        dest="clients_command", required=True
    )
    create = clients.add_parser("create", help="create a client; prints its secret once")
    create.add_argument("--org", required=True, help="organisation id")
    create.add_argument("--name", default="api client")
    create.add_argument("--scopes", nargs="+", required=True)
    create.set_defaults(run=cmd_clients_create)

    keys = commands.add_parser("keys", help="signing keys").add_subparsers(
        dest="keys_command", required=True
    )
    keys.add_parser("rotate", help="add a new signing key").set_defaults(run=cmd_keys_rotate)

    areas = commands.add_parser("areas", help="reference geography").add_subparsers(
        dest="areas_command", required=True
    )
    lookup = areas.add_parser("load-lookup", help="load the ONS LAD to PFA lookup CSV")
    lookup.add_argument("file")
    lookup.set_defaults(run=cmd_areas_load_lookup)
    demo_commands.register(commands)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = RegistrySettings()
    result: int = args.run(args, settings)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
