"""Small builders of gateway test data: organisations in the fake registry, clients of them,
and data requests through the real API."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import httpx

from convenor_shared.testing import LocalIssuer

from .conftest import FakeRegistry

PARTNER_SCOPES = ("gateway:request", "gateway:respond")


@dataclass
class Api:
    """An authenticated client of the gateway under test, acting for ``org``."""

    client: httpx.AsyncClient
    token: str
    org: dict[str, Any]
    client_id: str

    @property
    def id(self) -> str:
        return str(self.org["id"])

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.get(
            url, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        headers = {"Idempotency-Key": secrets.token_hex(8), **kwargs.pop("headers", {})}
        return await self.client.post(url, headers=self.headers(headers), **kwargs)

    async def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.patch(
            url, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    async def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.delete(
            url, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    async def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.put(
            url, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    async def created(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.post(url, json=body)
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data

    async def move(self, request_id: str, to: str, **fields: Any) -> httpx.Response:
        return await self.post(f"/v1/requests/{request_id}/transitions", json={"to": to, **fields})


def partner(
    client: httpx.AsyncClient,
    registry: FakeRegistry,
    issuer: LocalIssuer,
    classification: str,
    *,
    name: str | None = None,
    kind: str | None = None,
    scopes: tuple[str, ...] = PARTNER_SCOPES,
) -> Api:
    """A new organisation in the registry and a signed-in client of it."""
    org = registry.add(classification, name or f"{classification} {secrets.token_hex(3)}", kind)
    client_id = f"client-{secrets.token_hex(4)}"
    token = issuer.token(scopes, org=org["id"], org_kind=classification, client_id=client_id)
    return Api(client, token, org, client_id)


def admin(client: httpx.AsyncClient, issuer: LocalIssuer) -> Api:
    """The bootstrap administrator: every scope, no organisation."""
    token = issuer.token(["admin"], client_id="test-admin")
    return Api(client, token, {"id": None}, "test-admin")


def asb_request(holder: Api, **overrides: Any) -> dict[str, Any]:
    """An OPCC's request to a council for aggregate anti-social behaviour data."""
    body: dict[str, Any] = {
        "holder_organisation_id": holder.id,
        "purpose": "crime_and_disorder_reduction",
        "statutory_function": "Crime and disorder functions of the local policing body "
        "(CDA 1998 ss5-7, PRSRA 2011 s10) for the community safety strategy",
        "justification": "The partnership's strategic assessment needs ward-level ASB trends.",
        "necessity": "Aggregate counts by ward and month are the least data that answers it.",
        "legal_gateways": ["cda-1998-s115", "cda-1998-s17a"],
        "lawful_basis": {"article_6": "public_task"},
        "data_items": [
            {"name": "ward_code", "description": "ONS ward code", "category": "aggregate"},
            {"name": "month", "description": "Calendar month", "category": "aggregate"},
            {
                "name": "asb_incidents",
                "description": "Count of ASB incidents",
                "category": "aggregate",
            },
        ],
        "identifiability": "aggregate",
        "period_start": "2025-04-01",
        "period_end": "2026-03-31",
        "retention_days": 365,
        "requesting_officer": "Partnership analyst, OPCC",
    }
    return body | overrides


def health_request(holder: Api, **overrides: Any) -> dict[str, Any]:
    """An OPCC's request to an integrated care board for identifiable health data."""
    body: dict[str, Any] = {
        "holder_organisation_id": holder.id,
        "purpose": "serious_violence_prevention",
        "statutory_function": "PCSC 2022 s14: assisting and monitoring the specified authorities",
        "justification": "To identify individuals repeatedly admitted with violent injury.",
        "necessity": "Record-level admissions are needed to link with police data.",
        "legal_gateways": ["pcsc-2022-s16"],
        "lawful_basis": {
            "article_6": "public_task",
            "article_9_condition": "substantial_public_interest",
        },
        "data_items": [
            {"name": "nhs_number", "description": "Patient NHS number", "category": "personal"},
            {
                "name": "diagnosis",
                "description": "Injury diagnosis",
                "category": "special_category",
            },
        ],
        "identifiability": "identifiable",
        "retention_days": 180,
    }
    return body | overrides


async def approved_request(requester: Api, holder: Api, **overrides: Any) -> dict[str, Any]:
    """An aggregate ASB request from ``requester``, submitted and approved by ``holder``."""
    created = await requester.created("/v1/requests", asb_request(holder, submit=True, **overrides))
    response = await holder.move(created["id"], "approved")
    assert response.status_code == 200, response.text
    return created


def ward_csv(marker: str, rows: int = 3) -> bytes:
    """An approvable aggregate return; ``marker`` makes its bytes findable anywhere."""
    lines = ["ward_code,month,asb_incidents"]
    lines += [f"{marker}{n:03d},2025-{1 + n % 12:02d},{10 + n}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


async def deliver(
    holder: Api, request_id: str, body: bytes, media: str = "text/csv"
) -> httpx.Response:
    return await holder.put(
        f"/v1/requests/{request_id}/delivery", content=body, headers={"Content-Type": media}
    )


async def download(api: Api, request_id: str, purpose: str | None) -> httpx.Response:
    headers = {} if purpose is None else {"Data-Purpose": purpose}
    return await api.get(f"/v1/requests/{request_id}/delivery", headers=headers)


async def audit_events(request_id: str, api: Api) -> list[dict[str, Any]]:
    """The request's audit entries, as an administrator reads them."""
    response = await api.get("/v1/audit/entries", params={"request_id": request_id, "limit": 1000})
    assert response.status_code == 200, response.text
    return [item["entry"] for item in response.json()["items"]]
