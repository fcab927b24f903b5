"""OWASP API10 (2023), unsafe consumption of APIs: a service pointed at a tiny scripted HTTP
server on a real socket in place of the registry or the gateway (:class:`Upstream`) answers a
malformed, slow, endless or oversized answer with a 502, 503 or 504 problem within a deadline,
never a 500 or a hang. The network edge between services is faked, never a service's own
storage. The other nine risks are ``test_owasp.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable
from typing import Any

import httpx
import pytest

from .owasp_world import BASES, PROBE, PURPOSE, World, asb_request, key, problem, variant
from .stack import ADMIN, GATEWAY, Stack

# --- API10 ------------------------------------------------------------------------------------


class Upstream:
    """A scripted HTTP/1.1 server on a real socket, standing in for the registry or the
    gateway. ``modes`` maps a path prefix to how it answers; ``default`` for the rest."""

    ANSWERS = {
        "malformed": ("200 OK", b'{"items": [{"cursor": '),
        "html": ("200 OK", b"<html><body>502 Bad Gateway (nginx)</body></html>"),
        "list": ("200 OK", b"[1, 2, 3]"),
        "error": ("500 Internal Server Error", b'{"detail": "boom"}'),
        "token": (
            "200 OK",
            b'{"access_token": "not-a-real-token", "token_type": "Bearer", "expires_in": 300}',
        ),
    }

    def __init__(self) -> None:
        self.modes: dict[str, str] = {}
        self.default = "error"
        self.seen: list[str] = []
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> Upstream:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 2)

    def mode_for(self, path: str) -> str:
        return next((m for p, m in self.modes.items() if path.startswith(p)), self.default)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            method, target, _ = head[0].split(" ", 2)
            length = next(
                (int(v) for n, _, v in (h.partition(":") for h in head[1:])
                 if n.strip().lower() == "content-length"),
                0,
            )  # fmt: skip
            if length:
                await reader.readexactly(length)
            path = target.split("?", 1)[0]
            self.seen.append(f"{method} {path}")
            await self._answer(self.mode_for(path), writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _answer(self, mode: str, writer: asyncio.StreamWriter) -> None:
        if mode in self.ANSWERS:
            status, body = self.ANSWERS[mode]
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        elif mode == "reset":  # closes the connection without a word
            return
        elif mode == "stall":  # accepts the request and never answers
            await asyncio.sleep(3600)
        elif mode in ("endless", "drip"):  # a chunked answer that never ends, fast or slow
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n1\r\n[\r\n"
            )
            chunk = b" " * (64 * 1024 if mode == "endless" else 1)
            while True:
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
                if mode == "drip":
                    await asyncio.sleep(0.05)
        else:
            raise AssertionError(mode)


class Edge(httpx.AsyncBaseTransport):
    """Calls to 127.0.0.1 go over a real socket (to an :class:`Upstream`); the rest to the
    stack's real services."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.network = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "127.0.0.1":
            return await self.network.handle_async_request(request)
        return await self.stack.router.handle_async_request(request)

    async def aclose(self) -> None:
        """Each app's client closes its transport on shutdown: this one outlives them."""

    async def close(self) -> None:
        await self.network.aclose()


# mode -> (status, problem type) the caller must answer with; "slow" ones within a deadline.
DIRECTORY_FAULTS = {
    "malformed": (502, "registry-bad-answer"),
    "html": (502, "registry-bad-answer"),
    "list": (502, "registry-bad-answer"),
    "error": (502, "registry-bad-answer"),
    "reset": (503, "registry-unavailable"),
    "endless": (502, "registry-bad-answer"),
    "stall": (504, "registry-timeout"),
    "drip": (504, "registry-timeout"),
}
FEED_FAULTS = {
    "malformed": (502, "feed-malformed"),
    "html": (502, "feed-malformed"),
    "list": (502, "feed-malformed"),
    "error": (502, "feed-malformed"),
    "reset": (503, "feed-unreachable"),
    "endless": (502, "feed-malformed"),
    "stall": (504, "feed-timeout"),
    "drip": (504, "feed-timeout"),
}
JWKS_FAULTS = {
    "malformed": (502, "bad-gateway"),
    "list": (502, "bad-gateway"),
    "error": (502, "bad-gateway"),
    "reset": (503, "service-unavailable"),
    "endless": (502, "bad-gateway"),
}
DEADLINE = 0.5  # the timeout the variants are given for their calls to the fake


async def timed(call: Awaitable[httpx.Response], bound: float) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await asyncio.wait_for(call, bound)  # a hang fails here, not in CI's timeout
    return response, time.monotonic() - started


class TestAPI10UnsafeConsumptionOfAPIs:
    """The gateway consults the registry (organisation lookups, its own token); analytics
    reads the registry's and the gateway's change feeds (and its token); both fetch the
    issuer's JWKS and revocation list. Whatever comes back is untrusted: malformed, the wrong
    shape, an error, a reset, an answer that never ends or one that trickles in forever is a
    502, 503 or 504 problem within a deadline, never a 500 or a hang. The registry calls no
    other service while serving a request. (The same faults as exceptions raised by a mock
    transport: ``services/analytics/tests/test_sync.py::TestNeighboursThatMisbehave``.)

    Found here: the analytics feed reader and the JWKS and revocation-list fetches read whole
    answers with only httpx's per-read timeout and checked the size afterwards, so an answer
    that trickled in (or never ended) hung the request (and, for the JWKS, every request
    waiting on its lock) and grew memory without bound."""

    async def test_the_gateway_survives_a_registry_that_misbehaves(
        self, stack: Stack, world: World
    ):
        body = {
            "requester_organisation_id": world.a.id,
            "holder_organisation_id": world.b.id,
            "purpose": PURPOSE,
            "data_categories": ["aggregate"],
        }
        headers = {"Authorization": f"Bearer {world.a.token}"}
        edge = Edge(stack)
        async with (
            Upstream() as fake,
            variant(
                stack,
                "gateway",
                transport=edge,
                registry_url=fake.url,
                registry_timeout_seconds=DEADLINE,
                organisation_cache_seconds=0,
            ) as gateway,
        ):
            for mode, (status, slug) in DIRECTORY_FAULTS.items():
                fake.default = mode
                response, took = await timed(
                    gateway.post("/v1/gateway-check", json=body, headers=headers), 5
                )
                assert problem(response, status)["type"] == f"/problems/{slug}", mode
                assert took < DEADLINE + 1, (mode, took)
                created = await gateway.post(
                    "/v1/requests", json=asb_request(world.b), headers=headers | key()
                )
                problem(created, status)  # and nothing was created
            assert fake.seen and all("/v1/organisations/" in s for s in fake.seen)
        await edge.close()
        mine = (await world.a.http.get(f"{GATEWAY}/v1/requests", params={"status": "draft"})).json()
        assert all(item["holder_organisation_id"] == world.b.id for item in mine["items"])

    @pytest.mark.parametrize("feed", ["gateway", "registry"])
    async def test_analytics_survives_a_feed_that_misbehaves(
        self, stack: Stack, world: World, feed: str
    ):
        admin = {"Authorization": f"Bearer {await stack.token(*ADMIN)}"}
        edge = Edge(stack)
        async with Upstream() as fake:
            # The registry stand-in issues a token (not one anything verifies) and misbehaves
            # on its feed; the gateway stand-in just misbehaves (the token is the registry's).
            fake.modes = {"/oauth/token": "token"}
            async with variant(
                stack,
                "analytics",
                transport=edge,
                sync_timeout_seconds=DEADLINE,
                **{f"{feed}_url": fake.url},
            ) as analytics:
                for mode, (status, slug) in FEED_FAULTS.items():
                    fake.default = mode
                    response, took = await timed(analytics.post("/v1/sync", headers=admin), 5)
                    failed = problem(response, status)
                    assert failed["type"] == f"/problems/{slug}", (mode, failed)
                    assert failed["sync"]["sources"][feed]["items_applied"] == 0
                    assert took < 2 * DEADLINE + 1, (mode, took)
                status_now = (await analytics.get("/v1/sync/status", headers=admin)).json()
                (source,) = [s for s in status_now["sources"] if s["source"] == feed]
                assert source["last_error_type"] == "feed-timeout"  # the last fault: drip
        await edge.close()
        assert any(s.startswith("GET /v1/changes") for s in fake.seen)

    async def test_a_token_endpoint_that_misbehaves_is_a_502_at_analytics(
        self, stack: Stack, world: World
    ):
        admin = {"Authorization": f"Bearer {await stack.token(*ADMIN)}"}
        edge = Edge(stack)
        async with (
            Upstream() as fake,
            variant(
                stack,
                "analytics",
                transport=edge,
                sync_timeout_seconds=DEADLINE,
                registry_url=fake.url,
            ) as analytics,
        ):
            for mode in ("malformed", "list", "error", "html", "endless"):
                fake.default = mode
                response, _ = await timed(analytics.post("/v1/sync", headers=admin), 5)
                assert problem(response, 502)["type"] == "/problems/feed-malformed", mode
            assert all(s == "POST /oauth/token" for s in fake.seen)
        await edge.close()

    async def test_an_issuer_whose_keys_cannot_be_read_is_a_5xx_never_a_hang(
        self, stack: Stack, world: World
    ):
        """At the gateway and at analytics. The JWKS fetch has a fixed deadline (5 s);
        requests queued behind a fetch that failed share its failure instead of each waiting
        for a fetch of its own. Each fault gets its own instance (a failure is remembered for
        2 s), all side by side."""
        headers = {"Authorization": f"Bearer {world.c.token}"}
        edge = Edge(stack)
        faults = JWKS_FAULTS | {"stall": (504, "gateway-timeout"), "drip": (504, "gateway-timeout")}

        async def meet(service: str, mode: str) -> list[tuple[httpx.Response, float]]:
            path = PROBE[service].removeprefix(BASES[service])
            async with Upstream() as fake:
                fake.default = mode
                jwks = fake.url + "/oauth/jwks.json"
                async with variant(stack, service, transport=edge, jwks_url=jwks) as http:
                    together = 3 if mode in ("stall", "drip") else 1
                    calls = [timed(http.get(path, headers=headers), 10) for _ in range(together)]
                    return list(await asyncio.gather(*calls))

        cases = [(service, mode) for service in ("gateway", "analytics") for mode in faults]
        outcomes = await asyncio.gather(*(meet(service, mode) for service, mode in cases))
        await edge.close()
        for (service, mode), answers in zip(cases, outcomes, strict=True):
            status, slug = faults[mode]
            for response, took in answers:
                assert problem(response, status)["type"] == f"/problems/{slug}", (service, mode)
                assert took < 7, (service, mode, took)
