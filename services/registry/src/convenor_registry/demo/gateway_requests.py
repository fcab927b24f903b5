"""Data requests in flight for the demo, made through the data gateway's HTTP API.

The registry never imports the gateway: it gives the demo organisations API clients with
gateway scopes (through the clients service), gets their tokens from its own token endpoint,
and talks to the gateway over HTTP as any partner system would (``docs/partner-guide.md``).
If the gateway does not answer, it says so and does nothing. Run again, it makes no second
set: it revokes the previous run's demo clients (their secrets were never kept), makes new
ones, and stops if the OPCC already has requests.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.clients import service as clients_service
from convenor_registry.clients.schemas import ClientCreate
from convenor_registry.demo import repository
from convenor_registry.demo import service as demo_service
from convenor_registry.models import Organisation

CLIENT_NAME = "demo: data requests"
REQUESTERS = ("merseyside_pcc", "cambs_pcc", "humber_pcc", "lincs_pcc")


@dataclass(frozen=True)
class Ask:
    requester: str
    holder: str
    purpose: str
    gateways: tuple[str, ...]
    items: tuple[tuple[str, str], ...]
    then: tuple[tuple[str, str, dict[str, Any]], ...]  # (who, to, extra) moves after submission
    submit: bool = True


ASKS = (
    Ask(
        "merseyside_pcc",
        "liverpool",
        "serious_violence_prevention",
        ("pcsc-2022-s17",),
        (("knife_incidents_by_ward", "Knife-related incidents by ward and month"),),
        (("holder", "acknowledged", {}),),
    ),
    Ask(
        "merseyside_pcc",
        "merseyside_health",
        "serious_violence_prevention",
        ("pcsc-2022-s16",),
        (("assault_attendances_by_week", "A&E attendances for assault, by week"),),
        (("holder", "acknowledged", {}), ("holder", "approved", {})),
    ),
    Ask(
        "merseyside_pcc",
        "sefton",
        "crime_and_disorder_reduction",
        ("cda-1998-s115",),
        (("asb_reports_by_ward", "ASB reports by ward and month"),),
        (("holder", "clarification_requested", {"reason": "Which wards, and which months?"}),),
    ),
    Ask(
        "cambs_pcc",
        "peterborough",
        "strategic_needs_assessment",
        ("cda-1998-s17a",),
        (("licensed_premises_incidents", "Incidents at licensed premises by month"),),
        (
            (
                "holder",
                "refused",
                {"reason_code": "not_held", "reason": "The council does not hold this data."},
            ),
        ),
    ),
    Ask(
        "humber_pcc",
        "hull",
        "crime_and_disorder_reduction",
        ("cda-1998-s115",),
        (("youth_diversion_referrals", "Youth diversion referrals by month"),),
        (),
    ),
    Ask(
        "lincs_pcc",
        "lincs_county",
        "crime_and_disorder_reduction",
        ("cda-1998-s115",),
        (("asb_case_reviews", "ASB case reviews (community triggers) by district"),),
        (),
        submit=False,
    ),
)


async def gateway_ready(http: httpx.AsyncClient, gateway_url: str) -> bool:
    try:
        return (await http.get(f"{gateway_url}/readyz", timeout=3)).status_code == 200
    except httpx.HTTPError:
        return False


async def make_clients(session: AsyncSession) -> dict[str, tuple[Organisation, str, str]]:
    """Fresh demo clients for the organisations the requests are between (the caller
    commits): key → (organisation, client id, secret)."""
    found = await demo_service.organisations_for_requests(session)
    made = {}
    for key, organisation in found.items():
        for old in await repository.live_clients(session, organisation.id, CLIENT_NAME):
            await clients_service.revoke(session, organisation, old, None)  # type: ignore[arg-type]
        scopes = ["gateway:request", "registry:read"] if key in REQUESTERS else ["gateway:respond"]
        body = ClientCreate(name=CLIENT_NAME, scopes=scopes)  # type: ignore[arg-type]
        client, secret = await clients_service.create(session, organisation, body, None)
        assert secret is not None
        made[key] = (organisation, client.client_id, secret)
    return made


async def _token(http: httpx.AsyncClient, registry_url: str, client_id: str, secret: str) -> str:
    response = await http.post(
        f"{registry_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


def _body(ask: Ask, holder: Organisation, today: date) -> dict[str, Any]:
    return {
        "holder_organisation_id": str(holder.id),
        "purpose": ask.purpose,
        "statutory_function": "The policing body's duty to secure an efficient and effective "
        "police force and its crime and disorder reduction functions (PRSRA 2011 s1, CDA 1998 s6)",
        "justification": "To understand where and when harm happens, so that partners can "
        "target prevention (demo request).",
        "necessity": "Aggregate counts only; no individual can be identified; the smallest "
        "period and area that answer the question.",
        "legal_gateways": list(ask.gateways),
        "lawful_basis": {"article_6": "public_task"},
        "data_items": [
            {"name": name, "description": text, "category": "aggregate"} for name, text in ask.items
        ],
        "identifiability": "aggregate",
        "period_start": (today - timedelta(days=365)).isoformat(),
        "period_end": today.isoformat(),
        "retention_days": 365,
        "submit": ask.submit,
    }


async def create(
    http: httpx.AsyncClient,
    registry_url: str,
    gateway_url: str,
    clients: dict[str, tuple[Organisation, str, str]],
    today: date,
) -> dict[str, Any]:
    """The demo's requests, each moved on to the state the demo shows."""
    tokens = {
        key: await _token(http, registry_url, client_id, secret)
        for key, (_, client_id, secret) in clients.items()
    }
    lead = tokens.get("merseyside_pcc")
    if lead is None:
        return {"requests": 0, "note": "the demo organisations are not in the registry"}
    mine = await http.get(
        f"{gateway_url}/v1/requests",
        params={"role": "requester"},
        headers={"Authorization": f"Bearer {lead}"},
    )
    if mine.status_code == 200 and mine.json().get("items"):
        return {"requests": 0, "note": "the demo's data requests are already in flight"}
    statuses: dict[str, int] = {}
    for ask in ASKS:
        if ask.requester not in tokens or ask.holder not in clients:
            continue
        response = await http.post(
            f"{gateway_url}/v1/requests",
            json=_body(ask, clients[ask.holder][0], today),
            headers={
                "Authorization": f"Bearer {tokens[ask.requester]}",
                "Idempotency-Key": f"demo-{uuid.uuid4()}",
            },
        )
        if response.status_code != 201:
            statuses[f"error {response.status_code}"] = statuses.get("error", 0) + 1
            continue
        request = response.json()
        for who, to, extra in ask.then:
            token = tokens[ask.holder if who == "holder" else ask.requester]
            moved = await http.post(
                f"{gateway_url}/v1/requests/{request['id']}/transitions",
                json={"to": to, **extra},
                headers={"Authorization": f"Bearer {token}"},
            )
            if moved.status_code == 200:
                request = moved.json()
        statuses[request["status"]] = statuses.get(request["status"], 0) + 1
    return {"requests": sum(statuses.values()), "by_status": statuses}
