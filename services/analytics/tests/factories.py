"""Builders of change-feed items that follow docs/change-feeds.md field for field, and a fake
registry and gateway (token endpoint, JWKS, change feeds) served at the network edge."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx

from convenor_shared.testing import LocalIssuer

REGISTRY = "http://registry.test"
GATEWAY = "http://gateway.test"
CLIENT_ID = "analytics-service"
CLIENT_SECRET = "analytics-service-secret-long-enough"
NOW = "2026-11-26T10:00:00Z"


def new_id() -> str:
    return str(uuid.uuid4())


def gss(prefix: str) -> str:
    return f"{prefix}{secrets.randbelow(10**6):06d}"


def record(**fields: Any) -> dict[str, Any]:
    """Every record has id, version, created_at, updated_at."""
    return {"version": 1, "created_at": NOW, "updated_at": NOW, **fields}


@dataclass
class Feed:
    """One service's change feed: items in commit order, cursors are sequence numbers."""

    items: list[dict[str, Any]] = field(default_factory=list)
    asked_after: list[str | None] = field(default_factory=list)
    fault: str | None = None  # "down", "slow", "malformed", "bad-item", "refuse"

    def add(self, entity: str, entity_id: str, op: str, data: dict[str, Any] | None) -> None:
        self.items.append(
            {
                "cursor": str(len(self.items) + 1),
                "entity": entity,
                "id": entity_id,
                "op": op,
                "at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                "data": data,
            }
        )

    def page(self, after: str | None, limit: int) -> dict[str, Any]:
        self.asked_after.append(after)
        start = int(after) if after else 0
        chosen = [i for i in self.items if int(i["cursor"]) > start][:limit]
        more = any(int(i["cursor"]) > start for i in self.items[start + len(chosen) :])
        if self.fault == "bad-item" and len(chosen) > 1:
            chosen = [dict(chosen[0]), {**chosen[1], "op": "upsert", "data": None}, *chosen[2:]]
        next_cursor = chosen[-1]["cursor"] if chosen else after
        return {"items": chosen, "next_cursor": next_cursor, "has_more": more}


def _scopes(request: httpx.Request) -> set[str]:
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return set()
    return set(str(claims.get("scope", "")).split())


class FakeServices:
    """The registry (token issuer, JWKS, feed) and the gateway (feed) as the sync sees them."""

    def __init__(self) -> None:
        self.issuer = LocalIssuer(REGISTRY)
        self.registry = Feed()
        self.gateway = Feed()
        self.tokens_issued = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url == f"{REGISTRY}/oauth/token" and request.method == "POST":
            return self._token(request)
        jwks = self.issuer.handle(request)
        if jwks is not None:
            return jwks
        for base, feed, scope in (
            (REGISTRY, self.registry, "registry:read"),
            (GATEWAY, self.gateway, "gateway:feed"),
        ):
            if url.startswith(f"{base}/v1/changes"):
                return self._changes(request, feed, scope)
        return httpx.Response(404, json={"detail": "not faked"})

    def _token(self, request: httpx.Request) -> httpx.Response:
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return httpx.Response(401, json={"error": "invalid_client"})
        form = dict(x.split("=", 1) for x in request.content.decode().split("&"))
        if form.get("grant_type") != "client_credentials":
            return httpx.Response(400, json={"error": "unsupported_grant_type"})
        scopes = httpx.QueryParams(request.content.decode()).get("scope", "").split()
        self.tokens_issued += 1
        token = self.issuer.token(scopes, client_id=CLIENT_ID)
        return httpx.Response(
            200, json={"access_token": token, "token_type": "Bearer", "expires_in": 900}
        )

    def _changes(self, request: httpx.Request, feed: Feed, scope: str) -> httpx.Response:
        if scope not in _scopes(request):
            return httpx.Response(403, json={"type": "/problems/insufficient-scope"})
        if feed.fault == "down":
            raise httpx.ConnectError("connection refused", request=request)
        if feed.fault == "slow":
            raise httpx.ReadTimeout("timed out", request=request)
        if feed.fault == "malformed":
            return httpx.Response(200, text="<html>proxy error</html>")
        params = request.url.params
        return httpx.Response(
            200, json=feed.page(params.get("after"), int(params.get("limit", 500)))
        )

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


class World:
    """Registry and gateway entities, published on the fake feeds as the services would."""

    def __init__(self, fake: FakeServices) -> None:
        self.fake = fake

    def _put(self, entity: str, data: dict[str, Any], feed: Feed | None = None) -> dict[str, Any]:
        item = record(**data)
        (feed or self.fake.registry).add(entity, item["id"], "upsert", item)
        return item

    def delete(self, entity: str, entity_id: str, gateway: bool = False) -> None:
        (self.fake.gateway if gateway else self.fake.registry).add(
            entity, entity_id, "delete", None
        )

    def area(
        self, name: str, classification: str, code: str, parent: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return self._put("area", {
            "id": new_id(), "gss_code": code, "name": name, "classification": classification,
            "tier": None, "country": "england", "vintage": "2024", "ocd_id": None,
            "parent_id": parent["id"] if parent else None, "valid_from": None, "valid_until": None,
        })  # fmt: skip

    def organisation(
        self,
        name: str,
        classification: str,
        pension_scheme: str | None,
        areas: list[dict[str, Any]],
    ) -> dict[str, Any]:
        return self._put("organisation", {
            "id": new_id(), "name": name, "classification": classification,
            "kind": "pcc" if classification == "local_policing_body" else None,
            "kind_effective_from": None, "identifiers": [], "pension_scheme": pension_scheme,
            "website": None, "area_ids": [a["id"] for a in areas],
        })  # fmt: skip

    def person(
        self, organisation: dict[str, Any], band: str | None = "45k_55k", seniority: int | None = 3
    ) -> dict[str, Any]:
        return self._put("person", {
            "id": new_id(), "name": f"Person {secrets.token_hex(2)}",
            "organisation_id": organisation["id"], "role_title": "Officer",
            "seniority": seniority, "salary_band": band, "contract_hours": "37",
        })  # fmt: skip

    def partnership(
        self, name: str, areas: list[dict[str, Any]], **overrides: Any
    ) -> dict[str, Any]:
        data = {
            "id": new_id(), "name": name, "short_name": None, "type": "csp", "description": None,
            "statutory": False, "statutory_basis_citation": None, "statutory_basis_url": None,
            "footprint_area_ids": [a["id"] for a in areas], "parent_id": None,
            "chair_organisation_id": None, "secretariat_organisation_id": None, "themes": [],
            "status": "active", "established_date": "2018-04-01", "ended_date": None,
            "review_cycle_months": 24, "last_reviewed_date": None, "next_review_due": None,
            "meetings_per_year": 4, "annual_support_cost": None,
        }  # fmt: skip
        return self._put("partnership", data | overrides)

    def membership(
        self, partnership: dict[str, Any], person: dict[str, Any], **overrides: Any
    ) -> dict[str, Any]:
        data = {
            "id": new_id(), "partnership_id": partnership["id"], "person_id": person["id"],
            "organisation_id": None, "on_behalf_of_id": person["organisation_id"], "role": "member",
            "voting": True, "required": False, "start_date": "2020-01-01", "end_date": None,
            "deputy_ids": [],
        }  # fmt: skip
        return self._put("membership", data | overrides)

    def meeting(
        self, partnership: dict[str, Any], start: str, end: str, **overrides: Any
    ) -> dict[str, Any]:
        data = {
            "id": new_id(), "partnership_id": partnership["id"], "series_id": None,
            "title": "Board meeting", "start": start, "end": end, "prep_minutes": 60,
            "mode": "in_person", "status": "held", "purpose": "decision", "location": "HQ",
            "online_url": None, "support_hours": None, "direct_costs": None,
        }  # fmt: skip
        return self._put("meeting", data | overrides)

    def attendance(
        self, meeting: dict[str, Any], records: list[tuple[dict[str, Any], str]]
    ) -> dict[str, Any]:
        rows = [
            {"person_id": p["id"], "status": status, "deputy_for_id": None,
             "on_behalf_of_id": p["organisation_id"]}
            for p, status in records
        ]  # fmt: skip
        return self._put(
            "attendance", {"id": meeting["id"], "meeting_id": meeting["id"], "records": rows}
        )

    def agenda_item(
        self, meeting: dict[str, Any], themes: list[str], **overrides: Any
    ) -> dict[str, Any]:
        data = {
            "id": new_id(), "meeting_id": meeting["id"], "position": 1, "title": "Item",
            "item_type": "discussion", "themes": themes, "duration_minutes": 30,
            "recurring_key": None,
        }  # fmt: skip
        return self._put("agenda_item", data | overrides)

    def decision(
        self, meeting: dict[str, Any], item: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return self._put("decision", {
            "id": new_id(), "meeting_id": meeting["id"],
            "agenda_item_id": item["id"] if item else None, "text": "Agreed", "themes": [],
        })  # fmt: skip

    def action(
        self,
        partnership: dict[str, Any],
        meeting: dict[str, Any] | None,
        owner: dict[str, Any],
        due: str,
        status: str = "open",
        completed: str | None = None,
    ) -> dict[str, Any]:
        return self._put("action", {
            "id": new_id(), "partnership_id": partnership["id"],
            "meeting_id": meeting["id"] if meeting else None, "decision_id": None,
            "review_id": None,
            "title": "Do it", "description": None, "owner_person_id": None,
            "owner_organisation_id": owner["id"], "due_date": due, "status": status,
            "completed_date": completed, "updates": [],
        })  # fmt: skip

    def strategy(self, name: str, kind: str, **overrides: Any) -> dict[str, Any]:
        data = {
            "id": new_id(), "name": name, "kind": kind, "owner_partnership_id": None,
            "owner_organisation_id": None, "joint_owner_ids": [], "period_start": "2024-04-01",
            "period_end": "2028-03-31", "status": "active", "url": None,
        }  # fmt: skip
        return self._put("strategy", data | overrides)

    def priority(
        self,
        strategy: dict[str, Any],
        themes: list[str],
        aligned: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        return self._put("priority", {
            "id": new_id(), "strategy_id": strategy["id"], "parent_id": None, "title": "Priority",
            "position": 1, "themes": themes, "aligned_to_ids": [a["id"] for a in aligned or []],
        })  # fmt: skip

    def review(
        self, partnership: dict[str, Any], when: str, outcome: str = "retain"
    ) -> dict[str, Any]:
        return self._put("review", {
            "id": new_id(), "partnership_id": partnership["id"], "review_date": when,
            "reviewer": "OPCC", "criteria": [], "outcome": outcome, "merge_into_id": None,
            "summary": None,
        })  # fmt: skip

    def request(
        self, requester: dict[str, Any], holder: dict[str, Any], status: str, **times: Any
    ) -> dict[str, Any]:
        data = {
            "id": new_id(), "requester_organisation_id": requester["id"],
            "holder_organisation_id": holder["id"], "purpose": "serious_violence_prevention",
            "legal_gateways": ["cda-1998-s115"], "identifiability": "aggregate",
            "data_categories": ["aggregate"], "agreement_id": None, "status": status,
            "reason_code": None, "due_date": None, "retention_days": 90, "created_at": NOW,
            "submitted_at": None, "acknowledged_at": None, "decided_at": None,
            "delivered_at": None, "closed_at": None, "clarification_rounds": 0,
        }  # fmt: skip
        return self._put("data_request", data | times, self.fake.gateway)

    def transition(
        self, request: dict[str, Any], to: str, at: str, reason: str | None = None
    ) -> dict[str, Any]:
        return self._put("request_transition", {
            "id": new_id(), "request_id": request["id"], "from_status": request["status"],
            "to_status": to, "at": at, "actor_organisation_id": request["holder_organisation_id"],
            "reason_code": reason,
        }, self.fake.gateway)  # fmt: skip

    def agreement(
        self, parties: list[dict[str, Any]], status: str = "active", dpia: str = "completed"
    ) -> dict[str, Any]:
        return self._put("agreement", {
            "id": new_id(), "party_organisation_ids": [p["id"] for p in parties],
            "purposes": ["serious_violence_prevention"], "legal_gateways": ["cda-1998-s115"],
            "status": status, "dpia_status": dpia, "review_date": "2027-01-01",
            "start_date": "2024-01-01", "end_date": None,
        }, self.fake.gateway)  # fmt: skip


def day(value: str) -> date:
    return date.fromisoformat(value)
