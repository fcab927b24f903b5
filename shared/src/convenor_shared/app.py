"""The common shape of a Convenor service app: what every service wires the same way.

:func:`create_service_app` builds a FastAPI app whose lifespan opens the database and the
token verifier (nothing is built at import), installs the problem handlers, the limits and
request-context middleware, the health routes, and an OpenAPI document that names the error
shape and the ``Idempotency-Key`` header.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from opentelemetry.sdk.trace.export import SpanExporter

from convenor_shared import health
from convenor_shared.auth import TokenVerifier
from convenor_shared.db import Database
from convenor_shared.group_commit import GroupCommit, GroupCommitCollector
from convenor_shared.health import PoolCollector
from convenor_shared.idempotency import IdempotencyKeyMixin, openapi_parameter
from convenor_shared.jwks import KeySource, RemoteJWKS, RemoteRevocations
from convenor_shared.limits import BodyLimitMiddleware, RateLimitMiddleware
from convenor_shared.migrations import head_revision
from convenor_shared.observability import Metrics, RequestContextMiddleware, configure_logging
from convenor_shared.problems import install_problem_handlers
from convenor_shared.schemas import DECIMAL_PATTERN
from convenor_shared.settings import ServiceSettings
from convenor_shared.tracing import build_tracer, instrument_client

log = logging.getLogger("convenor.app")
Hook = Callable[[FastAPI], Awaitable[None]]


@dataclass
class ServiceSpec:
    """What a service tells the factory about itself."""

    name: str  # "registry", "gateway", "analytics"
    title: str
    version: str
    description: str
    routers: Sequence[APIRouter]
    migrations: Path
    idempotency_model: type[IdempotencyKeyMixin]
    idempotency_required: bool = False
    # GET requests of this service never write, so they may read without a transaction.
    autocommit_reads: bool = False
    # A service that issues tokens verifies them with its own keys; others fetch the JWKS.
    key_source: Callable[[FastAPI], KeySource] | None = None
    large_bodies: dict[str, int] = field(default_factory=dict)  # path regex -> byte limit
    on_startup: Sequence[Hook] = ()
    on_shutdown: Sequence[Hook] = ()
    tags: Sequence[dict[str, str]] = ()


def create_service_app(
    spec: ServiceSpec,
    settings: ServiceSettings,
    *,
    http_transport: httpx.AsyncBaseTransport | None = None,
    span_exporter: SpanExporter | None = None,
) -> FastAPI:
    """Build a service app. ``http_transport`` lets tests route outbound calls in process;
    ``span_exporter`` turns tracing on with that exporter (tests read spans from it)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.check_production()
        async with AsyncExitStack() as stack:
            database = Database(
                settings.database_url,
                pool_size=settings.database_pool_size,
                timeout=settings.database_timeout_seconds,
            )
            stack.push_async_callback(database.dispose)
            http = httpx.AsyncClient(
                transport=http_transport,
                timeout=httpx.Timeout(10.0, connect=3.0),
                verify=settings.tls_verify,
                follow_redirects=False,
            )
            stack.push_async_callback(http.aclose)
            if settings.tracing_enabled or span_exporter is not None:
                tracer, provider = build_tracer(
                    spec.name, endpoint=settings.tracing_endpoint, exporter=span_exporter
                )
                app.state.tracer = tracer
                instrument_client(http, tracer)
                stack.callback(provider.shutdown)
            app.state.database = database
            if database.dialect == "postgresql" and settings.group_commit_max > 1:
                app.state.group_commit = GroupCommit(database, settings.group_commit_max)
                stack.callback(setattr, app.state, "group_commit", None)
                batches_collector = GroupCommitCollector(app.state.group_commit)
                app.state.metrics.registry.register(batches_collector)
                stack.callback(app.state.metrics.registry.unregister, batches_collector)
            pool_collector = PoolCollector(database)
            app.state.metrics.registry.register(pool_collector)
            stack.callback(app.state.metrics.registry.unregister, pool_collector)
            app.state.http = http
            app.state.migration_head = head_revision(spec.migrations)
            if spec.key_source is not None:  # the issuer checks its own tokens
                keys: KeySource = spec.key_source(app)
            else:
                keys = RemoteJWKS(settings.resolved_jwks_url(), http)
                if settings.revocation_check_seconds > 0:
                    app.state.is_revoked = RemoteRevocations(
                        settings.resolved_revocations_url(),
                        http,
                        ttl_seconds=settings.revocation_check_seconds,
                    )
            app.state.verifier = TokenVerifier(
                issuer=settings.issuer_url,
                audience=settings.audience,
                keys=keys,
                algorithms=settings.token_algorithms,
                leeway=settings.token_leeway_seconds,
            )
            for hook in spec.on_startup:
                await hook(app)
            log.info("%s started", spec.name, extra={"database": database.dialect})
            try:
                yield
            finally:
                for hook in spec.on_shutdown:
                    await hook(app)
                log.info("%s stopped", spec.name)

    configure_logging(settings.log_level, settings.log_json)
    app = FastAPI(
        title=spec.title,
        version=spec.version,
        description=spec.description,
        lifespan=lifespan,
        openapi_tags=list(spec.tags) or None,
        debug=settings.debug,
        # One schema per model: generated clients choke on Model-Input / Model-Output twins.
        separate_input_output_schemas=False,
        # Tracing is our own (convenor_shared.tracing, a provider per app) and so are the
        # metrics; FastAPI's would otherwise look for a global provider on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.service = spec.name
    app.state.idempotency_model = spec.idempotency_model
    app.state.idempotency_required = spec.idempotency_required
    app.state.autocommit_reads = spec.autocommit_reads
    app.state.metrics = Metrics(spec.name)
    app.state.tracer = None
    app.state.group_commit = None
    install_problem_handlers(app)
    app.include_router(health.router)
    for router in spec.routers:
        app.include_router(router)

    large = [(re.compile(pattern), limit) for pattern, limit in spec.large_bodies.items()]

    def limit_for(method: str, path: str) -> int:
        for pattern, limit in large:
            if pattern.match(path):
                return limit
        return settings.max_body_bytes

    app.add_middleware(BodyLimitMiddleware, limit_for=limit_for)
    if settings.rate_limit_per_minute > 0:
        app.add_middleware(RateLimitMiddleware, per_minute=settings.rate_limit_per_minute)
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics, state=app.state)
    app.openapi = lambda: _openapi(app, spec)  # type: ignore[method-assign]
    return app


def _document_page_limit(schema: dict[str, Any], maximum: int) -> None:
    """List pages refuse a ``limit`` over the configured maximum; say so in the schema."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("name") != "limit" or parameter.get("in") != "query":
                    continue
                variants = parameter.get("schema", {}).get("anyOf") or [parameter.get("schema", {})]
                for variant in variants:
                    if variant.get("type") == "integer" and "maximum" not in variant:
                        variant["maximum"] = maximum


def _document_decimal_strings(node: Any) -> None:
    """pydantic documents a decimal as a number or *any* string; it takes only plain decimal
    notation (:data:`convenor_shared.schemas.DECIMAL_PATTERN`). Say so wherever the pair
    appears, so that the schema tells the truth."""
    if isinstance(node, dict):
        variants = node.get("anyOf")
        if isinstance(variants, list) and any(v.get("type") == "number" for v in variants):
            for variant in variants:
                if variant == {"type": "string"}:
                    variant["pattern"] = DECIMAL_PATTERN
        for value in node.values():
            _document_decimal_strings(value)
    elif isinstance(node, list):
        for value in node:
            _document_decimal_strings(value)


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["type", "title", "status"],
}


def _openapi(app: FastAPI, spec: ServiceSpec) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        separate_input_output_schemas=app.separate_input_output_schemas,
    )
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    _document_page_limit(schema, app.state.settings.max_page_limit)
    _document_decimal_strings(schema.get("components", {}))
    for operations in schema.get("paths", {}).values():
        operation = operations.get("post")
        if operation is None:
            continue
        policy = operation.pop("x-idempotency-key", None)
        creates = "201" in operation.get("responses", {})
        if policy in ("optional", "required") or (policy is None and creates):
            required = policy == "required" or spec.idempotency_required
            operation.setdefault("parameters", []).append(openapi_parameter(required))
    app.openapi_schema = schema
    return schema
