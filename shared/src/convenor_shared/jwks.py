"""Where a service gets the keys that verify access tokens.

:class:`RemoteJWKS` fetches the issuer's JWKS over HTTP, caches it, and refetches when a token
names a key id it has not seen (so a key rotation at the issuer needs no restart here), at most
once per ``min_refresh_seconds`` so that tokens with made-up key ids cannot hammer the issuer.
The registry verifies its own tokens with a :class:`StaticKeys` source instead.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from convenor_shared.problems import BadGateway, ServiceUnavailable

MAX_JWKS_BYTES = 256 * 1024
log = logging.getLogger("convenor.auth")


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


class RemoteRevocations:
    """Revoked clients as the issuer publishes them, checked by services other than the issuer.

    Tokens are verified offline against the JWKS, so without this a revoked client's token
    would work until it expired. The list is refetched every ``ttl_seconds``; while the issuer
    cannot be reached the last list known is used (tokens are short-lived, so a stale list
    errs for minutes, not days). An issuer that publishes no list (an external OIDC provider
    answering 404) turns the check off.
    """

    def __init__(self, url: str, client: httpx.AsyncClient, *, ttl_seconds: float = 30.0) -> None:
        self.url = url
        self._client = client
        self._ttl = ttl_seconds
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
            response = await self._client.get(self.url, headers={"Accept": "application/json"})
        except httpx.HTTPError:
            log.warning("could not fetch the issuer's revocations; using the last list known")
            return
        if response.status_code == 404:
            self._supported = False
            log.warning("the issuer publishes no revocation list; revocation checks are off")
            return
        try:
            if response.status_code != 200 or len(response.content) > MAX_JWKS_BYTES:
                raise ValueError(f"status {response.status_code}")
            items = response.json()["revoked"]
            self._revoked = frozenset(str(item["client_id"]) for item in items)
        except (ValueError, KeyError, TypeError):
            log.warning("the issuer's revocation list is malformed; using the last list known")
