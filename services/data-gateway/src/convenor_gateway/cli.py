"""``convenor-gateway``: serve, migrate, check the audit chain, and run housekeeping."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.app import MIGRATIONS, create_app
from convenor_gateway.audit import service as audit_service
from convenor_gateway.catalogue import service as catalogue_service
from convenor_gateway.config import GatewaySettings
from convenor_gateway.data_requests import tasks
from convenor_gateway.webhooks import addresses, delivery
from convenor_shared import migrations
from convenor_shared.db import Database
from convenor_shared.transactions import commit


async def _in_session(
    settings: GatewaySettings, work: Callable[[AsyncSession], Awaitable[Any]]
) -> Any:
    database = Database(settings.database_url)
    try:
        async with database.session() as session:
            result = await work(session)
            await commit(session)
            return result
    finally:
        await database.dispose()


def _catalogue(settings: GatewaySettings) -> catalogue_service.Catalogue:
    return catalogue_service.load(
        Path(settings.catalogue_path) if settings.catalogue_path else None
    )


def cmd_serve(args: argparse.Namespace, settings: GatewaySettings) -> int:
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_config=None,
        workers=1,
        proxy_headers=True,
    )
    return 0


def cmd_migrate(args: argparse.Namespace, settings: GatewaySettings) -> int:
    catalogue = _catalogue(settings)  # refuse to migrate with a catalogue that will not load
    migrations.upgrade(MIGRATIONS, settings.database_url, args.revision)
    if args.revision == "head":

        async def work(session: AsyncSession) -> None:
            await catalogue_service.record_version(session, catalogue)

        asyncio.run(_in_session(settings, work))
    print(
        json.dumps(
            {
                "migrated_to": args.revision,
                "catalogue_version": catalogue.version,
                "legal_gateways": len(catalogue.data.gateways),
            }
        )
    )
    return 0


def cmd_downgrade(args: argparse.Namespace, settings: GatewaySettings) -> int:
    migrations.downgrade(MIGRATIONS, settings.database_url, args.revision)
    return 0


def cmd_audit_check(args: argparse.Namespace, settings: GatewaySettings) -> int:
    report = asyncio.run(_in_session(settings, audit_service.check_chain))
    print(report.model_dump_json())
    if not report.ok:
        print(f"audit log entry {report.first_bad_index}: {report.reason}", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_requests_expire(args: argparse.Namespace, settings: GatewaySettings) -> int:
    async def work(session: AsyncSession) -> dict[str, int]:
        overdue = await tasks.expire_overdue(session)
        retention = await tasks.expire_retention(session)
        return {"expired_overdue": overdue, "expired_retention": retention}

    print(json.dumps(asyncio.run(_in_session(settings, work))))
    return 0


def cmd_webhooks_deliver(args: argparse.Namespace, settings: GatewaySettings) -> int:
    async def work() -> int:
        database = Database(settings.database_url)
        try:
            async with httpx.AsyncClient(verify=settings.tls_verify) as http:
                return await delivery.deliver_due(
                    database, http, addresses.system_resolver, settings
                )
        finally:
            await database.dispose()

    print(json.dumps({"attempted": asyncio.run(work())}))
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="convenor-gateway", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8002)
    serve.set_defaults(run=cmd_serve)

    migrate = commands.add_parser("migrate", help="upgrade the database; load the catalogue")
    migrate.add_argument("--revision", default="head")
    migrate.set_defaults(run=cmd_migrate)

    downgrade = commands.add_parser("downgrade", help="downgrade the database")
    downgrade.add_argument("--revision", default="base")
    downgrade.set_defaults(run=cmd_downgrade)

    audit = commands.add_parser("audit", help="the audit log").add_subparsers(
        dest="audit_command", required=True
    )
    audit.add_parser(
        "check", help="recompute the hash chain; name the first bad entry (exit 1)"
    ).set_defaults(run=cmd_audit_check)

    requests = commands.add_parser("requests", help="data requests").add_subparsers(
        dest="requests_command", required=True
    )
    requests.add_parser(
        "expire", help="expire requests past their due date or retention"
    ).set_defaults(run=cmd_requests_expire)

    webhooks = commands.add_parser("webhooks", help="webhook notifications").add_subparsers(
        dest="webhooks_command", required=True
    )
    webhooks.add_parser("deliver", help="send the notifications due now").set_defaults(
        run=cmd_webhooks_deliver
    )
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = GatewaySettings()
    result: int = args.run(args, settings)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
