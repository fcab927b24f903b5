"""Where a service gets the keys that verify access tokens.

:class:`RemoteJWKS` fetches the issuer's JWKS over HTTP, caches it, and refetches when a token
names a key id it has not seen (so a key rotation at the issuer needs no restart here), at most
once per ``min_refresh_seconds`` so that tokens with made-up key ids cannot hammer the issuer.
The registry verifies its own tokens with a :class:`StaticKeys` source instead.

Each fetch has a deadline and a size bound for the whole answer, not only per read: an issuer
(or something posing as it) that answers slowly or endlessly cannot hold requests or memory.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from convenor_shared.problems import BadGateway, GatewayTimeout, Problem, ServiceUnavailable

MAX_JWKS_BYTES = 256 * 1024
FETCH_TIMEOUT_SECONDS = 5.0
log = logging.getLogger("convenor.auth")


class _TooLarge(Exception):
    pass


async def _fetch(
    client: httpx.AsyncClient, url: str, seconds: float, max_bytes: int
) -> tuple[int, bytes]:
    """GET ``url``: its status and body, read whole within ``seconds`` and at most
    ``max_bytes`` (TimeoutError, :class:`_TooLarge` or an ``httpx.HTTPError`` otherwise)."""
    async with asyncio.timeout(seconds):
        request = client.build_request("GET", url, headers={"Accept": "application/json"})
        response = await client.send(request, stream=True)
        try:
            content = bytearray()
            async for chunk in response.aiter_bytes():
                content.extend(chunk)
                if len(content) > max_bytes:
                    raise _TooLarge
        finally:
            await response.aclose()
    return response.status_code, bytes(content)


class KeySource(Protocol):
    async def keys(self, kid: str | None) -> KeySet:
        """The key set in which ``kid`` should be found (refreshing if it is not)."""
        ...


class StaticKeys:
    """Keys held in process, read through a callable so that rotation is seen at once."""

    def __init__(self, provider: Callable[[], KeySet]) -> None:
        self._provider = provider

    async def keys(self, kid: str | None) -> KeySet:
        return self._provider()


def _has_kid(keyset: KeySet, kid: str | None) -> bool:
    if kid is None:
        return len(keyset.keys) > 0
    return any(key.kid == kid for key in keyset.keys)


class RemoteJWKS:
    """The issuer's published JWKS, cached for ``ttl_seconds``."""

    def __init__(
        self,
        url: str,
        client: httpx.AsyncClient,
        *,
        ttl_seconds: float = 300.0,
        min_refresh_seconds: float = 2.0,
        timeout_seconds: float = FETCH_TIMEOUT_SECONDS,
    ) -> None:
        self.url = url
        self._client = client
        self._timeout = timeout_seconds
        self._ttl = ttl_seconds
        self._min_refresh = min_refresh_seconds
        self._keyset: KeySet | None = None
        self._fetched_at = 0.0
        # When the last attempt ended, successful or not: requests queued behind a failed fetch
        # share its failure rather than each waiting for an attempt of its own.
        self._attempted_at = float("-inf")
        self._failure: Problem | None = None
        self._lock = asyncio.Lock()

    async def keys(self, kid: str | None) -> KeySet:
        now = time.monotonic()
        fresh = self._keyset is not None and now - self._fetched_at < self._ttl
        if fresh and self._keyset is not None and _has_kid(self._keyset, kid):
            return self._keyset
        async with self._lock:
            now = time.monotonic()
            if now - self._attempted_at >= self._min_refresh:
                try:
                    self._keyset = await self._fetch()
                    self._fetched_at = time.monotonic()
                    self._failure = None
                except (ServiceUnavailable, BadGateway, GatewayTimeout) as exc:
                    self._failure = exc
                finally:
                    self._attempted_at = time.monotonic()
            if self._keyset is None:
                if self._failure is not None:
                    raise self._failure.with_traceback(None)
                raise ServiceUnavailable("The token issuer's keys are not available yet.")
            return self._keyset

    async def _fetch(self) -> KeySet:
        try:
            status, content = await _fetch(self._client, self.url, self._timeout, MAX_JWKS_BYTES)
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise GatewayTimeout("The token issuer did not answer in time.") from exc
        except httpx.HTTPError as exc:
            raise ServiceUnavailable("The token issuer cannot be reached.") from exc
        except _TooLarge as exc:
            raise BadGateway("The token issuer's JWKS is too large.") from exc
        if status != 200:
            raise BadGateway(f"The token issuer's JWKS answered {status}.")
        try:
            data: Any = json.loads(content)
            keyset = KeySet.import_key_set(data)
        except (ValueError, JoseError, TypeError, KeyError) as exc:
            raise BadGateway("The token issuer's JWKS is malformed.") from exc
        return keyset


class RemoteRevocations:
    """Revoked clients as the issuer publishes them, checked by services other than the issuer.

    Tokens are verified offline against the JWKS, so without this a revoked client's token
    would work until it expired. The list is refetched every ``ttl_seconds``; while the issuer
    cannot be reached the last list known is used (tokens are short-lived, so a stale list
    errs for minutes, not days). An issuer that publishes no list (an external OIDC provider
    answering 404) turns the check off.
    """

    def __init__(
        self,
        url: str,
        client: httpx.AsyncClient,
        *,
        ttl_seconds: float = 30.0,
        timeout_seconds: float = FETCH_TIMEOUT_SECONDS,
    ) -> None:
        self.url = url
        self._client = client
        self._ttl = ttl_seconds
        self._timeout = timeout_seconds
        self._revoked: frozenset[str] = frozenset()
        self._fetched_at: float | None = None
        self._supported = True
        self._lock = asyncio.Lock()

    async def __call__(self, caller: Any) -> bool:
        if not self._supported:
            return False
        now = time.monotonic()
        if self._fetched_at is None or now - self._fetched_at >= self._ttl:
            async with self._lock:
                if self._fetched_at is None or time.monotonic() - self._fetched_at >= self._ttl:
                    await self._refresh()
        return self._supported and str(caller.client_id) in self._revoked

    async def _refresh(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            status, content = await _fetch(self._client, self.url, self._timeout, MAX_JWKS_BYTES)
        except (TimeoutError, httpx.HTTPError, _TooLarge):
            log.warning("could not fetch the issuer's revocations; using the last list known")
            return
        if status == 404:
            self._supported = False
            log.warning("the issuer publishes no revocation list; revocation checks are off")
            return
        try:
            if status != 200:
                raise ValueError(f"status {status}")
            items = json.loads(content)["revoked"]
            self._revoked = frozenset(str(item["client_id"]) for item in items)
        except (ValueError, KeyError, TypeError):
            log.warning("the issuer's revocation list is malformed; using the last list known")
