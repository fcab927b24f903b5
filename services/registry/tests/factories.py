"""Small builders of registry test data, through the real API."""

from __future__ import annotations

import base64
import secrets
from typing import Any

import httpx


class Api:
    """An authenticated client of the registry under test."""

    def __init__(
        self, client: httpx.AsyncClient, token: str, org: dict[str, Any] | None = None
    ) -> None:
        self.client = client
        self.token = token
        self.org = org

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.get(
            url, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.post(
            url, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    async def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.patch(
            url, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    async def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.put(
            url, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    async def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.delete(
            url, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    async def created(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.post(url, json=body)
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


async def token_for(client: httpx.AsyncClient, client_id: str, secret: str, **form: str) -> str:
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", **form},
        headers=basic(client_id, secret),
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def unique(prefix: str) -> str:
    return f"{prefix} {secrets.token_hex(3)}"


async def area(api: Api, gss_code: str) -> dict[str, Any]:
    response = await api.get("/v1/areas", params={"gss_code": gss_code})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    assert len(items) == 1
    return items[0]


async def organisation(api: Api, **overrides: Any) -> dict[str, Any]:
    body = {"name": unique("Council"), "classification": "local_authority"} | overrides
    return await api.created("/v1/organisations", body)


async def person(api: Api, **overrides: Any) -> dict[str, Any]:
    body = {"name": unique("Person"), "seniority": 3, "salary_band": "45k_55k"} | overrides
    return await api.created("/v1/people", body)


async def partnership(api: Api, **overrides: Any) -> dict[str, Any]:
    body = {"name": unique("Partnership"), "type": "csp", "themes": ["asb"]} | overrides
    return await api.created("/v1/partnerships", body)


async def org_api(admin: Api, scopes: list[str], **org_overrides: Any) -> Api:
    """A new organisation and an API client of it with ``scopes``, signed in."""
    org = await organisation(admin, **org_overrides)
    created = await admin.created(
        f"/v1/organisations/{org['id']}/clients", {"name": "test client", "scopes": scopes}
    )
    token = await token_for(admin.client, created["client_id"], created["client_secret"])
    return Api(admin.client, token, org)


async def feed_cursor(api: Api) -> str | None:
    """The change feed's cursor once caught up: equal before and after means nothing changed."""
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 1000} | ({"after": cursor} if cursor else {})
        page = (await api.get("/v1/changes", params=params)).json()
        cursor = page["next_cursor"] or cursor
        if not page["has_more"]:
            return cursor
