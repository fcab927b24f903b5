"""An OPCC system integrating with Convenor through the clients generated from its OpenAPI.

It registers a partnership and a meeting with the registry, raises a data request to a
partner through the data gateway, answers it as the partner, then asks the analytics service
for an indicator. It is written against the generated clients only (tokens come from the
standard OAuth 2.0 client-credentials grant, as any OAuth library would get them).

Generate the clients, then run it against a running Convenor (``make run``):

    make clients                     # writes build/clients/convenor_*_client
    PYTHONPATH=build/clients python examples/opcc_integration.py \\
        --opcc CLIENT_ID:SECRET --partner CLIENT_ID:SECRET

The OPCC client needs registry:read, registry:write and gateway:request; the partner's needs
gateway:respond; either needs analytics:read for the last step (the OPCC's is used).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import uuid
from typing import Any

import httpx
from convenor_analytics_client import AuthenticatedClient as AnalyticsClient
from convenor_analytics_client.api.indicators import indicators_get
from convenor_analytics_client.api.sync import sync_run
from convenor_gateway_client import AuthenticatedClient as GatewayClient
from convenor_gateway_client.api.requests import request_transitions_create, requests_create
from convenor_gateway_client.models import RequestCreate, RequestRead, TransitionCreate
from convenor_registry_client import AuthenticatedClient as RegistryClient
from convenor_registry_client.api.meetings import meetings_create
from convenor_registry_client.api.partnerships import partnerships_create
from convenor_registry_client.models import (
    MeetingCreate,
    MeetingRead,
    PartnershipCreate,
    PartnershipRead,
)


async def token(registry_url: str, credentials: str, httpx_args: dict[str, Any]) -> str:
    """A client-credentials token (client_secret_basic)."""
    client_id, secret = credentials.split(":", 1)
    async with httpx.AsyncClient(**httpx_args) as http:
        response = await http.post(
            f"{registry_url}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
        )
    response.raise_for_status()
    return str(response.json()["access_token"])


def expect(result: Any, kind: type) -> Any:
    """The parsed body, or a clear error with the problem the service sent."""
    if not isinstance(result.parsed, kind):
        raise RuntimeError(f"{result.status_code}: {result.content.decode()[:500]}")
    return result.parsed


async def run(
    urls: dict[str, str],
    opcc: str,
    partner: str,
    partner_organisation_id: str,
    httpx_args: dict[str, Any] | None = None,
) -> dict[str, Any]:
    args = httpx_args or {}
    opcc_token = await token(urls["registry"], opcc, args)
    partner_token = await token(urls["registry"], partner, args)
    registry = RegistryClient(base_url=urls["registry"], token=opcc_token, httpx_args=args)
    gateway = GatewayClient(base_url=urls["gateway"], token=opcc_token, httpx_args=args)
    as_partner = GatewayClient(base_url=urls["gateway"], token=partner_token, httpx_args=args)
    analytics = AnalyticsClient(base_url=urls["analytics"], token=opcc_token, httpx_args=args)

    # 1. Register a partnership and a meeting.
    partnership: PartnershipRead = expect(
        await partnerships_create.asyncio_detailed(
            client=registry,
            body=PartnershipCreate.from_dict(
                {"name": "Community Safety Partnership", "type": "csp", "themes": ["asb"]}
            ),
            idempotency_key=str(uuid.uuid4()),
        ),
        PartnershipRead,
    )
    meeting: MeetingRead = expect(
        await meetings_create.asyncio_detailed(
            partnership.id,
            client=registry,
            body=MeetingCreate.from_dict(
                {"start": "2026-06-10T10:00:00Z", "end": "2026-06-10T12:00:00Z", "status": "held"}
            ),
            idempotency_key=str(uuid.uuid4()),
        ),
        MeetingRead,
    )

    # 2. Raise a data request to the partner, citing its legal gateway.
    request: RequestRead = expect(
        await requests_create.asyncio_detailed(
            client=gateway,
            idempotency_key=str(uuid.uuid4()),
            body=RequestCreate.from_dict(
                {
                    "holder_organisation_id": partner_organisation_id,
                    "purpose": "crime_and_disorder_reduction",
                    "statutory_function": "Crime and disorder functions of the policing body",
                    "justification": "Ward-level anti-social behaviour trends for the strategy.",
                    "necessity": "Aggregate counts by ward and month are the least data needed.",
                    "legal_gateways": ["cda-1998-s115"],
                    "lawful_basis": {"article_6": "public_task"},
                    "data_items": [
                        {"name": "asb_incidents", "description": "Count", "category": "aggregate"}
                    ],
                    "identifiability": "aggregate",
                    "retention_days": 365,
                    "submit": True,
                }
            ),
        ),
        RequestRead,
    )

    # 3. The partner's system answers it.
    answered: RequestRead = expect(
        await request_transitions_create.asyncio_detailed(
            request.id,
            client=as_partner,
            body=TransitionCreate.from_dict({"to": "approved", "reason": "Aggregate data only."}),
        ),
        RequestRead,
    )

    # 4. Bring analytics up to date and read an indicator.
    await sync_run.asyncio_detailed(client=analytics)
    indicator = await indicators_get.asyncio_detailed("S4", client=analytics)
    if indicator.status_code != 200:
        raise RuntimeError(f"{indicator.status_code}: {indicator.content.decode()[:500]}")
    return {
        "partnership_id": str(partnership.id),
        "meeting_id": str(meeting.id),
        "request_id": str(request.id),
        "request_status": str(answered.status),
        "indicator": json.loads(indicator.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--registry", default="http://127.0.0.1:8001")
    parser.add_argument("--gateway", default="http://127.0.0.1:8002")
    parser.add_argument("--analytics", default="http://127.0.0.1:8003")
    parser.add_argument("--opcc", required=True, help="CLIENT_ID:SECRET of the OPCC's client")
    parser.add_argument("--partner", required=True, help="CLIENT_ID:SECRET of the partner's client")
    parser.add_argument(
        "--partner-organisation", required=True, help="the partner's organisation id"
    )
    args = parser.parse_args()
    urls = {"registry": args.registry, "gateway": args.gateway, "analytics": args.analytics}
    summary = asyncio.run(run(urls, args.opcc, args.partner, args.partner_organisation))
    print(json.dumps(summary, indent=2, default=str))


if __name__ == "__main__":
    main()
