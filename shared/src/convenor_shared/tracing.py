"""Distributed tracing with OpenTelemetry, off unless configured.

With ``<P>TRACING_ENABLED=true`` a service records a server span for every request (joining
the trace of a ``traceparent`` header, W3C Trace Context) and a client span for every call it
makes to another service over ``app.state.http`` (sending ``traceparent`` on), so one trace
follows a request from the analytics service into the registry and the gateway. Spans go to
the OTLP/HTTP endpoint of the standard ``OTEL_EXPORTER_OTLP_ENDPOINT`` variable (or
``<P>TRACING_ENDPOINT``). Log lines written inside a span carry its ``trace_id``.
"""

from __future__ import annotations

from typing import Any

import httpx
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

PROPAGATOR = TraceContextTextMapPropagator()


def build_tracer(
    service: str, *, endpoint: str | None, exporter: SpanExporter | None = None
) -> tuple[Tracer, TracerProvider]:
    """A tracer of its own for one app (apps in one process do not share a global provider)."""
    provider = TracerProvider(resource=Resource.create({"service.name": f"convenor-{service}"}))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        kwargs: dict[str, Any] = {"endpoint": endpoint} if endpoint else {}
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(**kwargs)))
    return provider.get_tracer("convenor"), provider


def current_trace_id() -> str | None:
    """The trace id of the active span, as 32 hex digits, if there is one."""
    span_context = trace.get_current_span().get_span_context()
    return format(span_context.trace_id, "032x") if span_context.is_valid else None


class ServerSpan:
    """The span of one incoming request; used by the request-context middleware."""

    def __init__(self, tracer: Tracer, method: str, path: str, headers: dict[str, str]) -> None:
        parent = PROPAGATOR.extract(headers)
        self._method = method
        self._span = tracer.start_span(
            f"{method} {path}",
            context=parent,
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method, "url.path": path},
        )
        self._token = otel_context.attach(trace.set_span_in_context(self._span))

    def finish(self, route: str, status: int) -> None:
        self._span.update_name(f"{self._method} {route}")
        self._span.set_attribute("http.route", route)
        self._span.set_attribute("http.response.status_code", status)
        if status >= 500:
            self._span.set_status(Status(StatusCode.ERROR))
        self._span.end()
        otel_context.detach(self._token)


def instrument_client(client: httpx.AsyncClient, tracer: Tracer) -> None:
    """Trace every outbound call of ``client`` and carry the trace on with ``traceparent``."""

    async def on_request(request: httpx.Request) -> None:
        span = tracer.start_span(
            f"{request.method} {request.url.host}",
            kind=SpanKind.CLIENT,
            attributes={"http.request.method": request.method, "url.full": str(request.url)},
        )
        request.extensions["convenor.span"] = span
        carrier: dict[str, str] = {}
        PROPAGATOR.inject(carrier, context=trace.set_span_in_context(span))
        request.headers.update(carrier)

    async def on_response(response: httpx.Response) -> None:
        span = response.request.extensions.pop("convenor.span", None)
        if span is not None:
            span.set_attribute("http.response.status_code", response.status_code)
            if response.status_code >= 500:
                span.set_status(Status(StatusCode.ERROR))
            span.end()

    client.event_hooks["request"].append(on_request)
    client.event_hooks["response"].append(on_response)
