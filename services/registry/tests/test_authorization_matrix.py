"""The authorization matrix: every route of the registry against every kind of caller.

The policy table (convenor_registry.policy) says, for each route, the scope it needs and
whose records it may touch. This test checks that the table, the app's routes and the OpenAPI
paths are the same set (a new route without a row fails the build), then drives every cell:
no token, a token without the scope, a token with the scope but no stake in the record, and
the caller who may.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from convenor_registry.app import create_app
from convenor_registry.policy import POLICY
from convenor_shared.policy import UNDOCUMENTED, Rule, coverage, operations, served_routes

from .factories import Api, org_api, partnership, person

ALL_SCOPES = [
    "registry:read",
    "registry:write",
    "gateway:request",
    "gateway:respond",
    "gateway:audit",
    "gateway:feed",
    "analytics:read",
]
# Bodies that pass validation, so a refusal can only come from authorization.
BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/v1/areas"): {
        "gss_code": "E98765432",
        "name": "Test area",
        "classification": "other",
    },
    ("PATCH", "/v1/areas/{area_id}"): {},
    ("POST", "/v1/organisations"): {"name": "Matrix org", "classification": "vcse"},
    ("POST", "/v1/organisations/{organisation_id}/clients"): {
        "name": "c",
        "scopes": ["registry:read"],
    },
    ("POST", "/v1/people"): {"name": "Matrix person"},
    ("POST", "/v1/partnerships"): {"name": "Matrix board", "type": "other"},
    ("POST", "/v1/partnerships/{partnership_id}/relations"): {
        "type": "reports_to",
        "related_partnership_id": "{other_partnership_id}",
    },
    ("POST", "/v1/partnerships/{partnership_id}/terms-of-reference"): {"title": "ToR"},
    ("POST", "/v1/partnerships/{partnership_id}/memberships"): {"person_id": "{person_id}"},
    ("POST", "/v1/partnerships/{partnership_id}/meetings"): {
        "start": "2026-09-01T10:00:00Z",
        "end": "2026-09-01T11:00:00Z",
    },
    ("POST", "/v1/partnerships/{partnership_id}/meeting-series"): {
        "rrule": "FREQ=WEEKLY;COUNT=2",
        "first_start": "2026-09-01T10:00:00Z",
        "duration_minutes": 60,
    },
    ("PUT", "/v1/meetings/{meeting_id}/attendance"): {"records": []},
    ("POST", "/v1/meetings/{meeting_id}/agenda-items"): {"title": "Item"},
    ("POST", "/v1/meetings/{meeting_id}/decisions"): {"text": "Decided"},
    ("POST", "/v1/meetings/{meeting_id}/actions"): {"title": "Do it"},
    ("POST", "/v1/partnerships/{partnership_id}/actions"): {"title": "Do it"},
    ("POST", "/v1/actions/{action_id}/updates"): {"text": "Progress"},
    ("POST", "/v1/strategies"): {
        "name": "S",
        "kind": "partnership_strategy",
        "owner_partnership_id": "{partnership_id}",
    },
    ("POST", "/v1/strategies/{strategy_id}/priorities"): {"title": "P"},
    ("POST", "/v1/partnerships/{partnership_id}/reviews"): {
        "review_date": "2026-06-01",
        "outcome": "retain",
    },
    ("POST", "/v1/calendar-subscriptions"): {
        "subject": "partnership",
        "subject_id": "{partnership_id}",
    },
}
# Deletions run last, children before parents, so that every other cell finds its target.
DELETE_ORDER = [
    "/v1/calendar-subscriptions/{subscription_id}",
    "/v1/organisations/{organisation_id}/clients/{client_id}",
    "/v1/agenda-items/{item_id}",
    "/v1/decisions/{decision_id}",
    "/v1/actions/{action_id}",
    "/v1/memberships/{membership_id}",
    "/v1/priorities/{priority_id}",
    "/v1/partnerships/{partnership_id}/relations/{relation_id}",
    "/v1/meetings/{meeting_id}",
    "/v1/strategies/{strategy_id}",
    "/v1/people/{person_id}",
    "/v1/partnerships/{partnership_id}",
    "/v1/organisations/{organisation_id}",
]


def ordered_rows() -> list[tuple[str, str]]:
    rows = sorted(key for key in POLICY if key[0] != "DELETE")
    deletes = [key for key in POLICY if key[0] == "DELETE"]
    return rows + sorted(deletes, key=lambda key: DELETE_ORDER.index(key[1]))


class World:
    """Records managed by ``owner``; ``stranger`` holds every scope but no stake in them."""

    def __init__(self, owner: Api, stranger: Api, reader: Api, admin: Api) -> None:
        self.owner, self.stranger, self.reader, self.admin = owner, stranger, reader, admin
        self.ids: dict[str, str] = {}

    async def build(self) -> None:
        o, ids = self.owner, self.ids
        ids["organisation_id"] = o.org["id"]  # type: ignore[index]
        area = (await o.get("/v1/areas", params={"gss_code": "E08000012"})).json()["items"][0]
        ids["area_id"], ids["area"] = area["id"], "E08000012"
        ids["person_id"] = (await person(o, organisation_id=o.org["id"]))["id"]  # type: ignore[index]
        ids["partnership_id"] = (await partnership(o))["id"]
        ids["other_partnership_id"] = (await partnership(o))["id"]
        base = f"/v1/partnerships/{ids['partnership_id']}"
        ids["relation_id"] = (
            await o.created(
                f"{base}/relations",
                {"type": "sub_group_of", "related_partnership_id": ids["other_partnership_id"]},
            )
        )["id"]
        ids["membership_id"] = (
            await o.created(f"{base}/memberships", {"person_id": ids["person_id"]})
        )["id"]
        series = await o.created(
            f"{base}/meeting-series",
            {
                "rrule": "FREQ=MONTHLY;COUNT=2",
                "first_start": "2026-10-01T10:00:00Z",
                "duration_minutes": 60,
            },
        )
        ids["series_id"], ids["meeting_id"] = series["id"], series["meeting_ids"][0]
        meeting = f"/v1/meetings/{ids['meeting_id']}"
        ids["item_id"] = (await o.created(f"{meeting}/agenda-items", {"title": "Item"}))["id"]
        ids["decision_id"] = (await o.created(f"{meeting}/decisions", {"text": "Yes"}))["id"]
        ids["action_id"] = (await o.created(f"{meeting}/actions", {"title": "Act"}))["id"]
        ids["review_id"] = (
            await o.created(f"{base}/reviews", {"review_date": "2026-01-01", "outcome": "retain"})
        )["id"]
        ids["strategy_id"] = (
            await o.created(
                "/v1/strategies",
                {
                    "name": "S",
                    "kind": "partnership_strategy",
                    "owner_partnership_id": ids["partnership_id"],
                },
            )
        )["id"]
        ids["priority_id"] = (
            await o.created(f"/v1/strategies/{ids['strategy_id']}/priorities", {"title": "P"})
        )["id"]
        client = await o.created(
            f"/v1/organisations/{ids['organisation_id']}/clients",
            {"name": "spare", "scopes": ["registry:read"]},
        )
        ids["client_id"] = client["client_id"]
        sub = await o.created(
            "/v1/calendar-subscriptions",
            {"subject": "partnership", "subject_id": ids["partnership_id"]},
        )
        ids["subscription_id"] = sub["id"]

    def url(self, path: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: self.ids[m.group(1)], path)

    def body(self, key: tuple[str, str]) -> Any:
        body = BODIES.get(key)
        if body is None:
            return {} if key[0] in ("PATCH", "PUT", "POST") else None
        return {k: (self.url(v) if isinstance(v, str) else v) for k, v in body.items()}


@pytest.fixture(scope="module")
async def world(admin: Api) -> World:
    owner = await org_api(admin, ["registry:read", "registry:write"])
    stranger = await org_api(admin, ALL_SCOPES)
    reader = await org_api(admin, [s for s in ALL_SCOPES if s != "registry:write"])
    built = World(owner, stranger, reader, admin)
    await built.build()
    return built


async def call(
    api: Api | None, client: httpx.AsyncClient, key: tuple[str, str], world: World
) -> httpx.Response:
    method, path = key
    headers = api.headers() if api else {}
    body = world.body(key)
    if key == ("POST", "/oauth/token"):
        return await client.post("/oauth/token", data={"grant_type": "client_credentials"})
    if key == ("POST", "/v1/import"):
        files = {"file": ("empty.csv", b"", "text/csv")}
        return await client.post(
            "/v1/import", params={"dry_run": "true"}, files=files, headers=headers
        )
    return await client.request(method, world.url(path), json=body, headers=headers)


class TestThePolicyTable:
    def test_routes_openapi_and_policy_are_the_same_set(self):
        app = create_app()
        documented = operations(app.openapi())
        served, hidden = served_routes(app)
        assert served == documented, f"routes not in OpenAPI: {sorted(served ^ documented)}"
        assert hidden == UNDOCUMENTED, f"routes served but not documented: {sorted(hidden)}"
        missing, stale = coverage(POLICY, documented)
        assert not missing, f"routes without a policy row: {sorted(missing)}"
        assert not stale, f"policy rows without a route: {sorted(stale)}"


@pytest.mark.parametrize("key", ordered_rows(), ids=lambda key: f"{key[0]} {key[1]}")
async def test_cell(key: tuple[str, str], world: World, client: httpx.AsyncClient):
    rule: Rule = POLICY[key]
    if rule.ownership == "public":
        response = await call(None, client, key, world)
        assert response.status_code not in (403,), response.text
        return
    anonymous = await call(None, client, key, world)
    assert anonymous.status_code == 401, f"no token: {anonymous.status_code} {anonymous.text}"
    if rule.scope == "registry:write":
        unscoped = await call(world.reader, client, key, world)
        assert unscoped.status_code == 403, f"without {rule.scope}: {unscoped.status_code}"
    if rule.ownership in ("manager", "own_organisation", "admin", "party"):
        outsider = await call(world.stranger, client, key, world)
        expected = 404 if rule.ownership == "party" else 403
        assert outsider.status_code == expected, f"no stake: {outsider.status_code} {outsider.text}"
    allowed = world.admin if rule.ownership == "admin" else world.owner
    response = await call(allowed, client, key, world)
    assert response.status_code not in (401, 403, 404, 405) and response.status_code < 500, (
        f"allowed caller: {response.status_code} {response.text[:300]}"
    )
