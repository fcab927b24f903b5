"""``convenor-gateway``: serve, migrate, the audit log (check, checkpoint, export, verify
offline), evidence bundles (verify offline), keys, and housekeeping (retention, expiry)."""

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

from convenor_gateway import keys
from convenor_gateway.app import MIGRATIONS, create_app
from convenor_gateway.audit import checkpoints, export
from convenor_gateway.audit import service as audit_service
from convenor_gateway.catalogue import service as catalogue_service
from convenor_gateway.config import GatewaySettings
from convenor_gateway.data_requests import tasks
from convenor_gateway.deliveries import tasks as delivery_tasks
from convenor_gateway.evidence.evidence_bundle import verify_bundle
from convenor_gateway.evidence.key_ring import new_kek_entry
from convenor_gateway.evidence.offline_verify import read_export, verify_export, verify_rows
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


async def _with_database(
    settings: GatewaySettings, work: Callable[[Database], Awaitable[Any]]
) -> Any:
    database = Database(settings.database_url)
    try:
        return await work(database)
    finally:
        await database.dispose()


def cmd_audit_check(args: argparse.Namespace, settings: GatewaySettings) -> int:
    report = asyncio.run(_with_database(settings, audit_service.check_chain))
    print(report.model_dump_json())
    if not report.ok:
        print(f"audit log entry {report.first_bad_index}: {report.reason}", file=sys.stderr)
    return 0 if report.ok else 1


def _signing_keys(settings: GatewaySettings) -> keys.SigningKeys:
    signing = keys.SigningKeys(
        Path(settings.signing_key_dir),
        settings.checkpoint_origin,
        Path(settings.signing_key) if settings.signing_key else None,
    )
    signing.ensure(generate=settings.environment != "production")
    return signing


def cmd_audit_checkpoint(args: argparse.Namespace, settings: GatewaySettings) -> int:
    signing = _signing_keys(settings)

    async def work(database: Database) -> int:
        return await checkpoints.catch_up(
            database, signing, max_entries=settings.checkpoint_max_entries
        )

    made = asyncio.run(_with_database(settings, work))
    print(json.dumps({"checkpoints_made": made}))
    return 0


def cmd_audit_rotate_key(args: argparse.Namespace, settings: GatewaySettings) -> int:
    directory = Path(settings.signing_key_dir)
    path = keys.generate_signing_key(directory)
    signing = keys.SigningKeys(directory, settings.checkpoint_origin)
    signing.reload()
    print(json.dumps({"path": str(path), "verifier_key": signing.signer.verifier_key}))
    return 0


def cmd_audit_export(args: argparse.Namespace, settings: GatewaySettings) -> int:
    # The file is written from the worker thread that walks the log, never on the event loop.
    out = sys.stdout.buffer if args.out is None else open(args.out, "wb")  # noqa: SIM115
    try:

        async def work(database: Database) -> export.Exported:
            return await export.export_log(database, out)

        exported = asyncio.run(_with_database(settings, work))
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    summary: dict[str, Any] = {"entries": exported.entries}
    if args.out is not None:
        if exported.checkpoint_note is not None:
            Path(args.out + ".checkpoint").write_text(exported.checkpoint_note)
            summary["checkpoint"] = args.out + ".checkpoint"
        Path(args.out + ".keys").write_text("".join(k + "\n" for k in exported.verifier_keys))
        summary["keys"] = args.out + ".keys"
        print(json.dumps(summary))
    else:
        print(json.dumps(summary), file=sys.stderr)
    return 0


def _beside(path: str, suffix: str, given: str | None) -> Path | None:
    if given is not None:
        return Path(given)
    candidate = Path(path + suffix)
    return candidate if candidate.exists() else None


def _report(report: dict[str, Any], ok: bool, reason: str) -> int:
    print(json.dumps(report))
    if not ok:
        print(reason, file=sys.stderr)
    return 0 if ok else 1


def cmd_audit_verify(args: argparse.Namespace, settings: GatewaySettings) -> int:
    """Offline: an export against a signed checkpoint; no database, no network."""
    note_path = _beside(args.export, ".checkpoint", args.checkpoint)
    keys_path = _beside(args.export, ".keys", args.keys)
    with open(args.export, "rb") as lines:
        if note_path is None:
            print("no checkpoint given: checking the hash chain only", file=sys.stderr)
            report = verify_rows(read_export(lines))
        elif keys_path is None:
            print("a checkpoint needs --keys (the gateway's verifier keys)", file=sys.stderr)
            return 2
        else:
            trusted = [k for k in keys_path.read_text().splitlines() if k.strip()]
            report = verify_export(lines, note_path.read_text(), trusted, origin=args.origin)
    return _report(report.as_dict(), report.ok, report.reason)


def cmd_evidence_verify(args: argparse.Namespace, settings: GatewaySettings) -> int:
    """Offline: an evidence bundle, against its own keys or the ones given."""
    trusted = None
    if args.keys is not None:
        trusted = [k for k in Path(args.keys).read_text().splitlines() if k.strip()]
    report = verify_bundle(Path(args.bundle).read_bytes(), trusted_keys=trusted)
    summary = {
        "ok": report.ok,
        "reason": report.reason,
        "entries_checked": report.entries_checked,
        "tree_size": report.tree_size,
        "keys_pinned": report.keys_pinned,
    }
    return _report(summary, report.ok, report.reason)


def cmd_retention_run(args: argparse.Namespace, settings: GatewaySettings) -> int:
    print(json.dumps(asyncio.run(_with_database(settings, delivery_tasks.run))))
    return 0


def cmd_keys_new_kek(args: argparse.Namespace, settings: GatewaySettings) -> int:
    print(new_kek_entry(args.id))
    return 0


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
    audit.add_parser(
        "checkpoint", help="sign checkpoints now until the log is covered"
    ).set_defaults(run=cmd_audit_checkpoint)
    audit.add_parser(
        "rotate-key", help="add a new checkpoint signing key (the old ones keep verifying)"
    ).set_defaults(run=cmd_audit_rotate_key)
    export_cmd = audit.add_parser(
        "export", help="the log as JSON Lines, with the latest checkpoint and verifier keys"
    )
    export_cmd.add_argument(
        "--out", help="file to write (and <out>.checkpoint, <out>.keys); default stdout"
    )
    export_cmd.set_defaults(run=cmd_audit_export)
    verify_cmd = audit.add_parser(
        "verify", help="check an export offline against a checkpoint; name the first bad entry"
    )
    verify_cmd.add_argument("export", help="the JSON Lines export")
    verify_cmd.add_argument("--checkpoint", help="signed note (default <export>.checkpoint)")
    verify_cmd.add_argument("--keys", help="verifier keys, one per line (default <export>.keys)")
    verify_cmd.add_argument("--origin", help="the log the checkpoint must be from")
    verify_cmd.set_defaults(run=cmd_audit_verify)

    evidence = commands.add_parser("evidence", help="evidence bundles").add_subparsers(
        dest="evidence_command", required=True
    )
    bundle_cmd = evidence.add_parser("verify", help="verify an evidence bundle offline")
    bundle_cmd.add_argument("bundle", help="the bundle (GET /v1/requests/{id}/evidence)")
    bundle_cmd.add_argument(
        "--keys", help="trusted verifier keys, one per line (GET /v1/audit/keys)"
    )
    bundle_cmd.set_defaults(run=cmd_evidence_verify)

    retention = commands.add_parser("retention", help="retention").add_subparsers(
        dest="retention_command", required=True
    )
    retention.add_parser(
        "run", help="erase deliveries past retention, expire what is due"
    ).set_defaults(run=cmd_retention_run)

    keys_cmd = commands.add_parser("keys", help="keys").add_subparsers(
        dest="keys_command", required=True
    )
    kek = keys_cmd.add_parser(
        "new-kek", help="print a new key-encryption key entry for GATEWAY_KEY_ENCRYPTION_KEY"
    )
    kek.add_argument("--id", required=True, help="its id, e.g. kek-2027")
    kek.set_defaults(run=cmd_keys_new_kek)

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
