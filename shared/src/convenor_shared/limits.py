"""Request limits as pure ASGI middleware: body size (413) and per-client rate (429).

The same middleware refuses a URL whose path or query holds U+0000 (``%00``) with a 422, as
request bodies are refused (:func:`convenor_shared.schemas.refuse_nul`): PostgreSQL's text
cannot hold it, and no identifier or search term needs it.

The body limit checks ``Content-Length`` up front and counts streamed bytes as they arrive,
so a client that lies about the length is stopped too. Routes that take large uploads (a
spreadsheet import, a data delivery) are given their own limit by path.

The rate limit is a token bucket per client (the bearer token, else the peer address), kept in
the process: with several replicas each enforces its own share. It is a guard against a
runaway client, not an accounting system.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from convenor_shared.problems import (
    PROBLEM_JSON,
    PayloadTooLarge,
    Problem,
    TooManyRequests,
    Unprocessable,
)

LimitFor = Callable[[str, str], int]


class _BodyTooLarge(Exception):
    pass


async def send_problem(send: Send, problem: Problem, path: str) -> None:
    """Send ``problem`` as a complete response from ASGI middleware."""
    body = json.dumps(problem.to_dict(path)).encode()
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    headers += [(k.lower().encode(), v.encode()) for k, v in problem.headers.items()]
    await send({"type": "http.response.start", "status": problem.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _nul_in_url(scope: Scope) -> Unprocessable | None:
    """A 422 naming each part of the URL that holds U+0000, or None."""
    where: list[list[str]] = []
    if "\x00" in scope["path"]:
        where.append(["path"])
    query: bytes = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                where.append(["query", name.replace("\x00", "")])
    if not where:
        return None
    message = "Text may not contain the NUL character (U+0000)."
    return Unprocessable(
        message,
        extensions={
            "errors": [{"loc": loc, "msg": message, "type": "string_nul"} for loc in where]
        },
    )


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, limit_for: LimitFor) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nul = _nul_in_url(scope)
        if nul is not None:
            await send_problem(send, nul, scope["path"].replace("\x00", ""))
            return
        limit = self.limit_for(scope["method"], scope["path"])
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit:
                    await send_problem(send, _too_large(limit), scope["path"])
                    return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await send_problem(send, _too_large(limit), scope["path"])
        except BaseExceptionGroup as group:  # raised through anyio task groups
            if group.subgroup(_BodyTooLarge) is None or started:
                raise
            await send_problem(send, _too_large(limit), scope["path"])


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The request body may be at most {limit} bytes.")


class RateLimitMiddleware:
    """A token bucket per client: ``per_minute`` requests, bursts up to the same number."""

    PATH_EXEMPT = re.compile(r"^/(healthz|readyz|metrics)$")

    def __init__(self, app: ASGIApp, per_minute: int, max_clients: int = 50_000) -> None:
        self.app = app
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self.max_clients = max_clients

    def _client_key(self, scope: Scope) -> str:
        for name, value in scope["headers"]:
            if name == b"authorization":
                return hashlib.sha256(value).hexdigest()[:32]
        client = scope.get("client")
        return f"addr:{client[0] if client else 'unknown'}"

    def take(self, key: str, now: float) -> float:
        """Take one token; return 0 if allowed, else the seconds until one is free."""
        tokens, last = self.buckets.get(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self.buckets[key] = (tokens - 1.0, now)
            self.buckets.move_to_end(key)
            if len(self.buckets) > self.max_clients:
                self.buckets.popitem(last=False)
            return 0.0
        self.buckets[key] = (tokens, now)
        return (1.0 - tokens) / self.rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.rate <= 0 or self.PATH_EXEMPT.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        wait = self.take(self._client_key(scope), time.monotonic())
        if wait > 0:
            problem = TooManyRequests(
                "Too many requests from this client.", retry_after=max(1, math.ceil(wait))
            )
            await send_problem(send, problem, scope["path"])
            return
        await self.app(scope, receive, send)
