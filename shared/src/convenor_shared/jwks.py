"""Where a service gets the keys that verify access tokens.

:class:`RemoteJWKS` fetches the issuer's JWKS over HTTP, caches it, and refetches when a token
names a key id it has not seen (so a key rotation at the issuer needs no restart here), at most
once per ``min_refresh_seconds`` so that tokens with made-up key ids cannot hammer the issuer.
The registry verifies its own tokens with a :class:`StaticKeys` source instead.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from convenor_shared.problems import BadGateway, ServiceUnavailable

MAX_JWKS_BYTES = 256 * 1024


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
        min_refresh_seconds: float = 10.0,
    ) -> None:
        self.url = url
        self._client = client
        self._ttl = ttl_seconds
        self._min_refresh = min_refresh_seconds
        self._keyset: KeySet | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def keys(self, kid: str | None) -> KeySet:
        now = time.monotonic()
        fresh = self._keyset is not None and now - self._fetched_at < self._ttl
        if fresh and self._keyset is not None and _has_kid(self._keyset, kid):
            return self._keyset
        async with self._lock:
            now = time.monotonic()
            may_refresh = self._keyset is None or now - self._fetched_at >= self._min_refresh
            if may_refresh:
                try:
                    self._keyset = await self._fetch()
                    self._fetched_at = time.monotonic()
                except (ServiceUnavailable, BadGateway):
                    if self._keyset is None:
                        raise
            assert self._keyset is not None
            return self._keyset

    async def _fetch(self) -> KeySet:
        try:
            response = await self._client.get(self.url, headers={"Accept": "application/json"})
        except httpx.TimeoutException as exc:
            raise ServiceUnavailable("The token issuer did not answer in time.") from exc
        except httpx.HTTPError as exc:
            raise ServiceUnavailable("The token issuer cannot be reached.") from exc
        if response.status_code != 200:
            raise BadGateway(f"The token issuer's JWKS answered {response.status_code}.")
        if len(response.content) > MAX_JWKS_BYTES:
            raise BadGateway("The token issuer's JWKS is too large.")
        try:
            data: Any = response.json()
            keyset = KeySet.import_key_set(data)
        except (ValueError, JoseError, TypeError, KeyError) as exc:
            raise BadGateway("The token issuer's JWKS is malformed.") from exc
        return keyset
