"""Request ids, JSON logs and Prometheus metrics.

:class:`RequestContextMiddleware` takes ``X-Request-ID`` from the client (or makes one), returns
it on the response, puts it on every log line written while the request runs, records the
request in Prometheus and writes one access-log line. Bearer tokens never reach a log: the
access line names the client id, not the credential.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from convenor_shared.tracing import ServerSpan, current_trace_id

CALLER_KEY = "convenor.caller"  # set by convenor_shared.auth

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "convenor_request_id", default=None
)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
access_log = logging.getLogger("convenor.access")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and extras."""

    RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            payload["request_id"] = request_id
        trace_id = current_trace_id()
        if trace_id:
            payload["trace_id"] = trace_id
        for key, value in record.__dict__.items():
            if key not in self.RESERVED and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


def configure_logging(level: str = "INFO", json_lines: bool = True) -> None:
    """Send every log record to stderr, as JSON lines unless told otherwise."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if json_lines else logging.Formatter("%(levelname)s %(name)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("uvicorn.access").disabled = True  # our access line replaces it
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per outbound call is noise


class Metrics:
    """The HTTP metrics of one app, in a registry of its own."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        labels = {"service": service}
        self.requests = Counter(
            "convenor_http_requests_total",
            "HTTP requests by route and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "convenor_http_request_duration_seconds",
            "HTTP request latency by route",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.in_progress = Gauge(
            "convenor_http_requests_in_progress",
            "HTTP requests being served",
            registry=self.registry,
        )
        self.errors = Counter(
            "convenor_http_server_errors_total",
            "Responses with a 5xx status by route",
            ["method", "route"],
            registry=self.registry,
        )
        self.info = Gauge(
            "convenor_service_info", "Service identity", ["service"], registry=self.registry
        )
        self.info.labels(**labels).set(1)
        # Async callables run before each scrape, for gauges read from the database.
        self.refreshers: list[Callable[[Any], Awaitable[None]]] = []


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics, state: Any = None) -> None:
        self.app = app
        self.metrics = metrics
        self.state = state  # the app's state: its tracer exists once the lifespan has run

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = incoming if incoming and _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        tracer = getattr(self.state, "tracer", None)
        span = None
        if tracer is not None:
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            span = ServerSpan(tracer, scope["method"], scope["path"], headers)
        status = 500
        started = time.perf_counter()
        self.metrics.in_progress.inc()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.in_progress.dec()
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = scope["method"]
            self.metrics.requests.labels(method=method, route=template, status=str(status)).inc()
            self.metrics.duration.labels(method=method, route=template).observe(elapsed)
            if status >= 500:
                self.metrics.errors.labels(method=method, route=template).inc()
            caller = scope.get(CALLER_KEY)
            access_log.info(
                "%s %s %s",
                method,
                scope["path"],
                status,
                extra={
                    "method": method,
                    "path": scope["path"],
                    "route": template,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "client_id": getattr(caller, "client_id", None),
                },
            )
            if span is not None:
                span.finish(template, status)
            request_id_var.reset(token)
