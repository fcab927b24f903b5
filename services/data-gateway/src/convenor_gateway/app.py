"""The data gateway: purpose-bound data requests between a local policing body and its partner
agencies, each with its legal gateway and lawful basis, and a tamper-evident audit log."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import httpx
from fastapi import FastAPI

from convenor_gateway import __version__, keys
from convenor_gateway.agreements.router import router as agreements_router
from convenor_gateway.audit import checkpoints
from convenor_gateway.audit import metrics as audit_metrics
from convenor_gateway.audit.router import router as audit_router
from convenor_gateway.catalogue import service as catalogue_service
from convenor_gateway.catalogue.headers import CatalogueVersionHeader
from convenor_gateway.catalogue.router import router as catalogue_router
from convenor_gateway.changes import feed
from convenor_gateway.checks.router import router as checks_router
from convenor_gateway.config import GatewaySettings, get_settings
from convenor_gateway.data_requests.router import router as requests_router
from convenor_gateway.deliveries import tasks as delivery_tasks
from convenor_gateway.deliveries.router import PATH as DELIVERY_PATH
from convenor_gateway.deliveries.router import router as deliveries_router
from convenor_gateway.directory import Directory
from convenor_gateway.models import IdempotencyKey
from convenor_gateway.runtime import Runtime
from convenor_gateway.transparency.router import router as transparency_router
from convenor_gateway.webhooks import addresses, delivery
from convenor_gateway.webhooks.router import router as webhooks_router
from convenor_shared.app import ServiceSpec, create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"

DESCRIPTION = """
Purpose-bound data requests between a local policing body and its partner agencies. Each
request names the requester's statutory function, its purpose, the legal gateway(s) and the
lawful basis; `POST /v1/gateway-check` says before anyone asks whether the sharing is lawful
and what is still missing. Requests move through a state machine driven by the two parties;
every event and every read of a request is appended to a hash-chained audit log in the same
transaction. The holder delivers the approved dataset (`PUT /v1/requests/{id}/delivery`): it is
checked against the approval and encrypted at rest under the request's own key; the requester
downloads it stating the purpose (`Data-Purpose`), until its retention ends and its key is
destroyed. The audit log is an RFC 9162 Merkle tree with signed checkpoints and proofs
(`/v1/audit/...`), and each request has an evidence bundle that verifies offline. Partners can
register webhooks to hear of requests addressed to them.

Errors are RFC 9457 problem details. Every creating POST needs an `Idempotency-Key`.
`/v1/changes` is the change feed (scope `gateway:feed`: it covers every organisation's
requests, so it is for a service such as analytics, not for a partner).
"""

TAGS = [
    {"name": "catalogue", "description": "The legal-gateway catalogue and purposes (public)"},
    {"name": "gateway check", "description": "Is this sharing lawful, and what is missing?"},
    {"name": "requests", "description": "Data requests and their state machine"},
    {"name": "agreements", "description": "Information sharing agreements"},
    {"name": "deliveries", "description": "Encrypted, purpose-bound delivery of datasets"},
    {"name": "audit", "description": "The audit log: a signed, verifiable Merkle tree"},
    {"name": "webhooks", "description": "Notifications to partners' endpoints"},
    {"name": "transparency", "description": "Published figures, small numbers suppressed"},
]


def create_app(
    settings: GatewaySettings | None = None,
    *,
    http_transport: httpx.AsyncBaseTransport | None = None,
    resolver: addresses.Resolver | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    path = Path(settings.catalogue_path) if settings.catalogue_path else None
    catalogue = catalogue_service.load(path)  # a bad catalogue stops the service here

    async def start(app: FastAPI) -> None:
        directory = Directory(
            app.state.http,
            registry_url=settings.registry_url,
            token_url=settings.resolved_token_url(),
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            scope=settings.registry_scope,
            timeout=settings.registry_timeout_seconds,
            ttl=settings.organisation_cache_seconds,
            max_bytes=settings.max_registry_response_bytes,
        )
        database = app.state.database
        signing_keys = keys.SigningKeys.from_settings(settings)
        app.state.runtime = Runtime(
            catalogue, directory, settings, database, keys.key_ring(settings), signing_keys
        )
        app.state.catalogue = catalogue
        audit_metrics.install(app)
        app.state.directory = directory
        app.state.resolver = resolver or addresses.system_resolver
        tasks: list[asyncio.Task[None]] = []
        if settings.webhook_delivery_interval_seconds > 0:
            tasks.append(
                asyncio.create_task(
                    delivery.run_forever(database, app.state.http, app.state.resolver, settings)
                )
            )
        if settings.checkpoint_interval_seconds > 0:
            tasks.append(
                asyncio.create_task(
                    checkpoints.run_forever(
                        database,
                        signing_keys,
                        interval=settings.checkpoint_interval_seconds,
                        max_entries=settings.checkpoint_max_entries,
                    )
                )
            )
        if settings.retention_interval_seconds > 0:
            tasks.append(
                asyncio.create_task(
                    delivery_tasks.run_forever(database, settings.retention_interval_seconds)
                )
            )
        app.state.background_tasks = tasks

    async def stop(app: FastAPI) -> None:
        for task in app.state.background_tasks:
            task.cancel()
        for task in app.state.background_tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    spec = ServiceSpec(
        name="gateway",
        title="Convenor data gateway",
        version=__version__,
        description=DESCRIPTION,
        routers=[
            catalogue_router,
            checks_router,
            requests_router,
            deliveries_router,
            agreements_router,
            audit_router,
            webhooks_router,
            transparency_router,
            feed.router("gateway:feed"),
        ],
        migrations=MIGRATIONS,
        idempotency_model=IdempotencyKey,
        idempotency_required=True,
        # Reading a request is a consultation the audit log records: reads write, in a
        # transaction like any other request.
        autocommit_reads=False,
        # A delivery is a dataset: its own (configured) body limit; it is streamed, never held.
        large_bodies={DELIVERY_PATH: settings.max_delivery_bytes},
        on_startup=[start],
        on_shutdown=[stop],
        tags=TAGS,
    )
    app = create_service_app(spec, settings, http_transport=http_transport)
    app.add_middleware(CatalogueVersionHeader, version=catalogue.version)
    return app
