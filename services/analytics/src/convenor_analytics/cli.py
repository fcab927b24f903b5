"""``convenor-analytics``: serve, migrate, and sync the analytics service."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

import httpx
import uvicorn

from convenor_analytics.app import MIGRATIONS, create_app
from convenor_analytics.config import AnalyticsSettings
from convenor_analytics.sync import service as sync_service
from convenor_shared import migrations
from convenor_shared.db import Database


def cmd_serve(args: argparse.Namespace, settings: AnalyticsSettings) -> int:
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_config=None,
        workers=1,
        proxy_headers=True,
    )
    return 0


def cmd_migrate(args: argparse.Namespace, settings: AnalyticsSettings) -> int:
    migrations.upgrade(MIGRATIONS, settings.database_url, args.revision)
    print(json.dumps({"migrated_to": args.revision}))
    return 0


def cmd_downgrade(args: argparse.Namespace, settings: AnalyticsSettings) -> int:
    migrations.downgrade(MIGRATIONS, settings.database_url, args.revision)
    return 0


async def _sync(settings: AnalyticsSettings) -> dict[str, object]:
    database = Database(settings.database_url)
    try:
        async with httpx.AsyncClient(timeout=settings.sync_timeout_seconds) as http:
            syncer = sync_service.Syncer.build(database, http, settings)
            try:
                result = await sync_service.run(syncer, "cli")
            except sync_service.SyncFailed as failed:
                result = failed.result
            return result.model_dump(mode="json")
    finally:
        await database.dispose()


def cmd_sync(args: argparse.Namespace, settings: AnalyticsSettings) -> int:
    result = asyncio.run(_sync(settings))
    print(json.dumps(result, indent=2))
    if result["status"] != "ok":
        print("The sync did not complete; see the errors above.", file=sys.stderr)
        return 1
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="convenor-analytics", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8003)
    serve.set_defaults(run=cmd_serve)

    migrate = commands.add_parser("migrate", help="upgrade the database")
    migrate.add_argument("--revision", default="head")
    migrate.set_defaults(run=cmd_migrate)

    downgrade = commands.add_parser("downgrade", help="downgrade the database")
    downgrade.add_argument("--revision", default="base")
    downgrade.set_defaults(run=cmd_downgrade)

    sync = commands.add_parser("sync", help="pull the registry's and the gateway's change feeds")
    sync.set_defaults(run=cmd_sync)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = AnalyticsSettings()
    result: int = args.run(args, settings)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
