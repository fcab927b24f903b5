"""The three real services wired together: what is recorded in the registry and the gateway
shows up in the analytics indicators after a sync; a second sync changes nothing; a restarted
analytics service resumes from its stored cursors without counting anything twice."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx

from .stack import ADMIN, ANALYTICS, GATEWAY, REGISTRY, Stack


async def created(http: httpx.AsyncClient, url: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await http.post(url, json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def organisation_client(
    stack: Stack, admin: httpx.AsyncClient, body: dict[str, Any], scopes: list[str]
) -> tuple[dict[str, Any], httpx.AsyncClient]:
    org = await created(admin, f"{REGISTRY}/v1/organisations", body)
    client = await created(
        admin,
        f"{REGISTRY}/v1/organisations/{org['id']}/clients",
        {"name": "system", "scopes": scopes},
    )
    return org, stack.client(await stack.token(client["client_id"], client["client_secret"]))


class TestAnalyticsFollowsTheOtherServices:
    async def test_records_appear_after_a_sync_once_and_survive_a_restart(self, stack: Stack):
        admin = stack.client(await stack.token(*ADMIN))
        boston = (await admin.get(f"{REGISTRY}/v1/areas", params={"gss_code": "E07000136"})).json()[
            "items"
        ][0]
        opcc, opcc_http = await organisation_client(
            stack,
            admin,
            {
                "name": "OPCC for Testshire",
                "classification": "local_policing_body",
                "kind": "pcc",
                "area_ids": [boston["id"]],
            },
            ["registry:read", "registry:write", "gateway:request"],
        )
        council, council_http = await organisation_client(
            stack,
            admin,
            {
                "name": "Testshire District Council",
                "classification": "local_authority",
                "area_ids": [boston["id"]],
            },
            ["registry:read", "gateway:respond"],
        )
        board = await created(
            opcc_http,
            f"{REGISTRY}/v1/partnerships",
            {"name": "Community Safety Partnership", "type": "csp", "themes": ["asb"]},
        )
        people = [
            await created(
                opcc_http,
                f"{REGISTRY}/v1/people",
                {
                    "name": f"Member {n}",
                    "organisation_id": opcc["id"],
                    "salary_band": "45k_55k",
                    "seniority": 3,
                },
            )
            for n in range(2)
        ]
        meeting = await created(
            opcc_http,
            f"{REGISTRY}/v1/partnerships/{board['id']}/meetings",
            {
                "start": "2026-06-10T10:00:00Z",
                "end": "2026-06-10T12:00:00Z",
                "status": "held",
                "prep_minutes": 60,
            },
        )
        register = {"records": [{"person_id": p["id"], "status": "present"} for p in people]}
        assert (
            await opcc_http.put(f"{REGISTRY}/v1/meetings/{meeting['id']}/attendance", json=register)
        ).status_code == 200

        request_body = {
            "holder_organisation_id": council["id"],
            "purpose": "crime_and_disorder_reduction",
            "statutory_function": "Crime and disorder functions of the local policing body",
            "justification": "Ward-level ASB trends for the strategic assessment.",
            "necessity": "Aggregate counts are the least data that answers it.",
            "legal_gateways": ["cda-1998-s115"],
            "lawful_basis": {"article_6": "public_task"},
            "data_items": [
                {"name": "asb_incidents", "description": "Count", "category": "aggregate"}
            ],
            "identifiability": "aggregate",
            "retention_days": 90,
            "submit": True,
        }
        approved = await created(opcc_http, f"{GATEWAY}/v1/requests", request_body)
        await created(opcc_http, f"{GATEWAY}/v1/requests", request_body)  # left unanswered
        moved = await council_http.post(
            f"{GATEWAY}/v1/requests/{approved['id']}/transitions", json={"to": "approved"}
        )
        assert moved.status_code == 200, moved.text

        first = (await admin.post(f"{ANALYTICS}/v1/sync")).json()
        assert first["status"] == "ok", first
        assert first["items_applied"] > 0
        window = {"from": "2026-01-01", "to": "2026-11-30"}
        here = window | {"area": "E07000136"}  # other tests share the stack: count only ours
        c3 = (
            await admin.get(
                f"{ANALYTICS}/v1/indicators/C3", params={"partnership": board["id"]} | window
            )
        ).json()
        expected = Decimal(2 * 50_000 * 3) / Decimal(1764)  # two people, 2 h + 1 h preparation
        assert round(Decimal(c3["value"]["total"]), 2) == round(expected, 2)
        assert c3["n"] == 1
        s4 = (await admin.get(f"{ANALYTICS}/v1/indicators/S4", params=here)).json()
        assert s4["value"]["approved"]["count"] == 1
        s9 = (await admin.get(f"{ANALYTICS}/v1/indicators/S9", params=here)).json()
        # Open: the unanswered request awaits a decision, the approved one its delivery.
        assert (
            s9["value"],
            s9["extra"]["awaiting_decision"],
            s9["extra"]["awaiting_delivery"],
        ) == (2, 1, 1)

        metrics = (await admin.get(f"{ANALYTICS}/metrics")).text
        assert 'convenor_analytics_sync_items_behind{source="registry"} 0.0' in metrics
        assert 'convenor_analytics_sync_failing{source="gateway"} 0.0' in metrics
        assert "convenor_db_pool_checked_out" in metrics
        gateway_metrics = (await admin.get(f"{GATEWAY}/metrics")).text
        assert "convenor_gateway_audit_uncheckpointed_entries" in gateway_metrics
        assert "convenor_gateway_checkpoint_age_seconds" in gateway_metrics

        second = (await admin.post(f"{ANALYTICS}/v1/sync")).json()  # nothing new anywhere
        assert second["items_applied"] == 0
        again = (
            await admin.get(
                f"{ANALYTICS}/v1/indicators/C3", params={"partnership": board["id"]} | window
            )
        ).json()
        assert again["value"] == c3["value"]

        await stack.restart("analytics")  # a new process on the same database
        status = (await admin.get(f"{ANALYTICS}/v1/sync/status")).json()
        assert all(source["cursor"] for source in status["sources"])
        third = (await admin.post(f"{ANALYTICS}/v1/sync")).json()
        assert third["items_applied"] == 0
        after = (await admin.get(f"{ANALYTICS}/v1/indicators/S4", params=here)).json()
        assert after["value"]["approved"]["count"] == 1
