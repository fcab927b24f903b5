"""The registry's directory of organisations, as the gateway sees it.

The gateway asks the registry for an organisation's classification (``GET
/v1/organisations/{id}``) with its own service token, obtained by the client-credentials grant
and reused until shortly before it expires. Answers are cached briefly, so a busy gateway asks
the registry about each organisation about once a minute.

Failures of the registry become problems a client can act on, never a crash: unreachable is
503 with ``Retry-After``, too slow is 504, a malformed or oversized answer is 502.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from convenor_shared.problems import BadGateway, GatewayTimeout, ServiceUnavailable

CACHE_SIZE = 10_000
TOKEN_MARGIN_SECONDS = 30


class RegistryUnavailable(ServiceUnavailable):
    """The gateway could not reach the registry to look up an organisation. Nothing was
    changed; retry after ``Retry-After`` seconds."""

    slug = "registry-unavailable"


class RegistryTimeout(GatewayTimeout):
    """The registry did not answer the gateway in time. Nothing was changed; retry."""

    slug = "registry-timeout"


class RegistryBadAnswer(BadGateway):
    """The registry answered the gateway with something it could not use (an error, a
    malformed or an oversized body). Nothing was changed; report it if it persists."""

    slug = "registry-bad-answer"


@dataclass(frozen=True, slots=True)
class Organisation:
    id: uuid.UUID
    name: str
    classification: str
    kind: str | None


class Directory:
    """Organisation lookups against the registry, with a short-lived cache."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        registry_url: str,
        token_url: str,
        client_id: str | None,
        client_secret: str | None,
        scope: str,
        timeout: float,
        ttl: float,
        max_bytes: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._registry = registry_url.rstrip("/")
        self._token_url = token_url
        self._credentials = (client_id, client_secret)
        self._scope = scope
        self._timeout = timeout
        self._ttl = ttl
        self._max_bytes = max_bytes
        self._clock = clock
        self._cache: OrderedDict[uuid.UUID, tuple[float, Organisation]] = OrderedDict()
        self._token: tuple[str, float] | None = None
        self._token_lock = asyncio.Lock()

    def forget(self) -> None:
        self._cache.clear()

    async def organisation(self, organisation_id: uuid.UUID) -> Organisation | None:
        """The organisation, or None if the registry has no such organisation."""
        now = self._clock()
        cached = self._cache.get(organisation_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        found = await self._fetch(organisation_id)
        if found is not None and self._ttl > 0:
            self._cache[organisation_id] = (now + self._ttl, found)
            self._cache.move_to_end(organisation_id)
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return found

    async def _fetch(self, organisation_id: uuid.UUID) -> Organisation | None:
        url = f"{self._registry}/v1/organisations/{organisation_id}"
        for attempt in range(2):
            token = await self._access_token(renew=attempt > 0)
            status, body = await self._get(url, {"Authorization": f"Bearer {token}"})
            if status == 401 and attempt == 0:
                continue  # the token was revoked or rotated away: get a new one, once
            return self._organisation(status, body, organisation_id)
        raise RegistryBadAnswer("The registry refused the gateway's token.")

    def _organisation(
        self, status: int, body: Any, organisation_id: uuid.UUID
    ) -> Organisation | None:
        if status == 404:
            return None
        if status in (502, 503, 504):
            raise RegistryUnavailable("The registry is unavailable just now.")
        if status != 200:
            raise RegistryBadAnswer(f"The registry answered {status} to an organisation lookup.")
        if not isinstance(body, dict):
            raise RegistryBadAnswer("The registry's organisation record is malformed.")
        name, classification, kind = body.get("name"), body.get("classification"), body.get("kind")
        if not isinstance(name, str) or not isinstance(classification, str):
            raise RegistryBadAnswer("The registry's organisation record is malformed.")
        if str(body.get("id")) != str(organisation_id):
            raise RegistryBadAnswer("The registry answered with another organisation.")
        return Organisation(
            organisation_id,
            name[:300],
            classification[:40],
            kind if isinstance(kind, str) else None,
        )

    async def _access_token(self, *, renew: bool) -> str:
        async with self._token_lock:
            now = self._clock()
            if not renew and self._token is not None and self._token[1] > now:
                return self._token[0]
            client_id, secret = self._credentials
            if not client_id or not secret:
                raise RegistryBadAnswer("The gateway has no client credentials for the registry.")
            status, body = await self._post_form(
                self._token_url,
                {"grant_type": "client_credentials", "scope": self._scope},
                httpx.BasicAuth(client_id, secret),
            )
            if status in (502, 503, 504):
                raise RegistryUnavailable("The token issuer is unavailable just now.")
            if status != 200 or not isinstance(body, dict):
                raise RegistryBadAnswer(f"The token issuer refused the gateway ({status}).")
            token, expires_in = body.get("access_token"), body.get("expires_in", 300)
            if not isinstance(token, str) or not isinstance(expires_in, int):
                raise RegistryBadAnswer("The token issuer's answer is malformed.")
            self._token = (token, now + max(expires_in - TOKEN_MARGIN_SECONDS, 1))
            return token

    async def _get(self, url: str, headers: dict[str, str]) -> tuple[int, Any]:
        request = self._http.build_request(
            "GET", url, headers={"Accept": "application/json", **headers}
        )
        return await self._send(request)

    async def _post_form(
        self, url: str, form: dict[str, str], auth: httpx.BasicAuth
    ) -> tuple[int, Any]:
        request = self._http.build_request(
            "POST", url, data=form, headers={"Accept": "application/json"}
        )
        request = next(auth.auth_flow(request))
        return await self._send(request)

    async def _send(self, request: httpx.Request) -> tuple[int, Any]:
        try:
            async with asyncio.timeout(self._timeout):
                response = await self._http.send(request, stream=True)
                try:
                    declared = response.headers.get("content-length", "0")
                    if not declared.isdigit() or int(declared) > self._max_bytes:
                        raise RegistryBadAnswer("The registry's answer is too large.")
                    content = bytearray()
                    async for chunk in response.aiter_bytes():
                        content.extend(chunk)
                        if len(content) > self._max_bytes:
                            raise RegistryBadAnswer("The registry's answer is too large.")
                finally:
                    await response.aclose()
        except TimeoutError as exc:
            raise RegistryTimeout("The registry did not answer in time.") from exc
        except httpx.TimeoutException as exc:
            raise RegistryTimeout("The registry did not answer in time.") from exc
        except httpx.HTTPError as exc:
            raise RegistryUnavailable("The registry cannot be reached.") from exc
        if response.status_code != 200:
            return response.status_code, None
        try:
            return 200, json.loads(bytes(content))
        except ValueError as exc:
            raise RegistryBadAnswer("The registry's answer is not JSON.") from exc
