"""Reading the registry's and the gateway's change feeds over HTTP, with the service's own
token from the registry's token endpoint (client credentials, ``client_secret_basic``).

Whatever the other side does wrong becomes a typed problem: unreachable 503, too slow 504,
an answer that is not a well-formed page of the contract (docs/change-feeds.md) 502. A page is
checked whole before anything of it is applied.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from dataclasses import dataclass
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from convenor_analytics.config import AnalyticsSettings
from convenor_shared.outbox import ChangePage
from convenor_shared.problems import BadGateway, GatewayTimeout, ServiceUnavailable

MAX_PAGE_BYTES = 64 * 1024 * 1024


class FeedUnreachable(ServiceUnavailable):
    """The registry or the data gateway could not be reached. Nothing was applied from it;
    the next sync resumes from the stored cursor."""

    slug, title = "feed-unreachable", "Change feed unreachable"


class FeedTimeout(GatewayTimeout):
    """The registry or the data gateway did not answer in time. Nothing of the unanswered
    page was applied; the next sync resumes from the stored cursor."""

    slug, title = "feed-timeout", "Change feed timed out"


class FeedMalformed(BadGateway):
    """The registry or the data gateway answered with something that is not a page of the
    change-feed contract (or refused the analytics service's credentials). Nothing of that
    page was applied."""

    slug, title = "feed-malformed", "Change feed answer unusable"


@dataclass(frozen=True)
class Source:
    name: str  # "registry" or "gateway"
    base_url: str


def sources(settings: AnalyticsSettings) -> list[Source]:
    """The feeds followed, registry first (requests refer to its organisations)."""
    return [
        Source("registry", settings.registry_url.rstrip("/")),
        Source("gateway", settings.gateway_url.rstrip("/")),
    ]


@dataclass(frozen=True)
class Answer:
    status_code: int
    content: bytes


async def _send(
    http: httpx.AsyncClient, request: httpx.Request, what: str, seconds: float
) -> Answer:
    """The answer to ``request``, read whole within ``seconds`` (httpx's own timeouts
    bound each read, not an answer that trickles in) and up to :data:`MAX_PAGE_BYTES`."""
    try:
        async with asyncio.timeout(seconds):
            response = await http.send(request, stream=True)
            try:
                content = bytearray()
                async for chunk in response.aiter_bytes():
                    content.extend(chunk)
                    if len(content) > MAX_PAGE_BYTES:
                        raise FeedMalformed(f"{what} sent an answer too large to apply.")
            finally:
                await response.aclose()
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise FeedTimeout(f"{what} did not answer in time.") from exc
    except httpx.HTTPError as exc:
        raise FeedUnreachable(f"{what} cannot be reached.") from exc
    return Answer(response.status_code, bytes(content))


class ServiceToken:
    """The analytics service's access token, fetched when needed and reused until near expiry."""

    def __init__(self, settings: AnalyticsSettings) -> None:
        self._settings = settings
        self._token: str | None = None
        self._expires = 0.0

    def forget(self) -> None:
        self._token = None

    async def get(self, http: httpx.AsyncClient) -> str:
        if self._token is not None and time.monotonic() < self._expires:
            return self._token
        settings = self._settings
        if not settings.client_id or not settings.client_secret:
            raise FeedMalformed("The analytics service has no client credentials configured.")
        # RFC 6749 2.3.1: id and secret are form-urlencoded before the Basic encoding.
        pair = f"{quote(settings.client_id, safe='')}:{quote(settings.client_secret, safe='')}"
        request = http.build_request(
            "POST",
            settings.registry_url.rstrip("/") + "/oauth/token",
            data={"grant_type": "client_credentials", "scope": settings.sync_scopes},
            headers={"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()},
            timeout=settings.sync_timeout_seconds,
        )
        response = await _send(
            http, request, "The registry's token endpoint", settings.sync_timeout_seconds
        )
        if response.status_code != 200:
            raise FeedMalformed(f"The token endpoint refused the client ({response.status_code}).")
        try:
            body = json.loads(response.content)
            token, lifetime = str(body["access_token"]), float(body.get("expires_in", 300))
        except (ValueError, KeyError, TypeError) as exc:
            raise FeedMalformed("The token endpoint's answer is malformed.") from exc
        self._token = token
        self._expires = time.monotonic() + max(lifetime - 30, lifetime / 2)
        return token


class FeedReader:
    """Fetches and checks pages of one service's change feed."""

    def __init__(self, http: httpx.AsyncClient, token: ServiceToken, settings: AnalyticsSettings):
        self._http = http
        self._token = token
        self._settings = settings

    async def page(self, source: Source, after: str | None) -> ChangePage:
        response = await self._get(source, after)
        if response.status_code == 401:  # the token expired or a key rotated: one fresh try
            self._token.forget()
            response = await self._get(source, after)
        what = f"The {source.name} change feed"
        if response.status_code != 200:
            raise FeedMalformed(f"{what} answered {response.status_code}.")
        try:
            page = ChangePage.model_validate_json(response.content)
        except ValidationError as exc:
            raise FeedMalformed(f"{what} sent a page that is not of the contract.") from exc
        check_page(page, after, what)
        return page

    async def _get(self, source: Source, after: str | None) -> Answer:
        params: dict[str, str | int] = {"limit": self._settings.sync_page_size}
        if after:
            params["after"] = after
        token = await self._token.get(self._http)
        request = self._http.build_request(
            "GET",
            source.base_url + "/v1/changes",
            params=params,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=self._settings.sync_timeout_seconds,
        )
        return await _send(
            self._http,
            request,
            f"The {source.name} change feed",
            self._settings.sync_timeout_seconds,
        )


def position(cursor: str | None) -> int:
    """A feed cursor as a number (the feeds' cursors are sequence numbers)."""
    return int(cursor) if cursor else 0


def check_page(page: ChangePage, after: str | None, what: str) -> None:
    """Refuse a page whose cursors go backwards, or whose upserts carry no data."""
    previous = position(after)
    for item in page.items:
        if not item.cursor.isdigit() or int(item.cursor) <= previous:
            raise FeedMalformed(f"{what} sent cursors out of order.")
        previous = int(item.cursor)
        if item.op == "upsert" and item.data is None:
            raise FeedMalformed(f"{what} sent an upsert without data.")
    if page.items and page.next_cursor != page.items[-1].cursor:
        raise FeedMalformed(f"{what} sent a next_cursor that is not its last item's.")
    if page.next_cursor is not None and not page.next_cursor.isdigit():
        raise FeedMalformed(f"{what} sent a malformed next_cursor.")
