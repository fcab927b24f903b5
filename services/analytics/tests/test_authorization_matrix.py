"""The authorization matrix: every route of the analytics service against every kind of caller.

The policy table (convenor_analytics.policy) says, for each route, the scope it needs and
whose records it may show. This test checks that the table, the app's routes and the OpenAPI
paths are the same set (a new route without a row fails the build), then drives every cell
against the real app on the test database, over a small landscape synced from the fake feeds:

- no token: 401 (public rows: answered without one);
- a client of the very organisation that may read, holding every scope but the row's: 403;
- ``own_organisation`` (a person's cost): another organisation's reader and a reader of no
  organisation get 404, as if the person did not exist; an administrator may read it;
- the caller who may: a success.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from convenor_analytics.app import create_app
from convenor_analytics.policy import POLICY
from convenor_shared.policy import UNDOCUMENTED, Rule, coverage, operations, served_routes

from . import landscapes
from .conftest import Analytics
from .landscapes import WINDOW, Shire

Key = tuple[str, str]
EVERY_SCOPE = (
    "registry:read",
    "registry:write",
    "gateway:request",
    "gateway:respond",
    "gateway:audit",
    "gateway:feed",
    "analytics:read",
)
# Framework routes outside the API: the OpenAPI document, its viewers, the problem types.

BODIES: dict[Key, Any] = {
    ("POST", "/v1/costs/estimate"): {
        "attendees": [{"salary": 50000, "count": 12}],
        "duration_minutes": 120,
        "prep_minutes": 60,
        "meetings_per_year": 4,
        "boards": 50,
    },
    ("POST", "/v1/duplication/what-if"): {
        "partnership_ids": ["{partnership_id}", "{other_partnership_id}"],
        **WINDOW,
    },
}
PARAMS: dict[Key, dict[str, str]] = {
    ("GET", "/v1/indicators/{indicator}"): {"area": "{area}", **WINDOW},
    ("GET", "/v1/duplication"): {"area": "{area}", **WINDOW},
    ("GET", "/v1/reports/landscape-review"): {"area": "{area}", "format": "md", **WINDOW},
}


class World:
    """A synced landscape, and readers: of the organisation of the person whose cost is asked
    for, of another organisation, of none, and an administrator."""

    def __init__(self, analytics: Analytics, land: Shire) -> None:
        self.client = analytics.client
        self.issuer = analytics.fake.issuer
        person = land.people[0]
        self.organisation_id = person["organisation_id"]
        self.ids = {
            "area": land.force["gss_code"],
            "indicator": "C5",
            "meeting_id": land.meetings["m1"]["id"],
            "partnership_id": land.a["id"],
            "other_partnership_id": land.b["id"],
            "person_id": person["id"],
            "organisation_id": land.police["id"],
        }

    def headers(self, scopes: tuple[str, ...], org: str | None = None) -> dict[str, str]:
        return self.issuer.headers(scopes, org=uuid.UUID(org) if org else None)

    def fill(self, value: Any) -> Any:
        if isinstance(value, str):
            return re.sub(r"\{(\w+)\}", lambda m: self.ids[m.group(1)], value)
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        return value


@pytest.fixture(scope="module")
async def world(analytics: Analytics) -> World:
    land = landscapes.build(analytics.world, "Matrixshire")
    assert (await analytics.sync()).status_code == 200
    return World(analytics, land)


async def call(headers: dict[str, str], key: Key, world: World) -> httpx.Response:
    method, path = key
    body = world.fill(BODIES[key]) if key in BODIES else None
    params = world.fill(PARAMS.get(key, {}))
    return await world.client.request(
        method, world.fill(path), json=body, params=params, headers=headers
    )


def ordered_rows() -> list[Key]:
    return sorted(POLICY, key=lambda key: (key[1], key[0]))


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

    def test_every_row_is_drivable(self):
        for key, rule in POLICY.items():
            assert rule.ownership in ("public", "any", "own_organisation"), key
            assert rule.scope is None or rule.scope in EVERY_SCOPE, key
        for key in (*BODIES, *PARAMS):
            assert key in POLICY, key


@pytest.mark.parametrize("key", ordered_rows(), ids=lambda key: f"{key[0]} {key[1]}")
async def test_cell(key: Key, world: World):
    rule: Rule = POLICY[key]
    if rule.ownership == "public":
        response = await call({}, key, world)
        assert 200 <= response.status_code < 300, f"no token: {response.status_code}"
        return
    anonymous = await call({}, key, world)
    assert anonymous.status_code == 401, f"no token: {anonymous.status_code} {anonymous.text}"
    others = tuple(s for s in EVERY_SCOPE if s != rule.scope)
    unscoped = await call(world.headers(others, world.organisation_id), key, world)
    assert unscoped.status_code == 403, f"without {rule.scope}: {unscoped.status_code}"
    scopes = (str(rule.scope),)
    if rule.ownership == "own_organisation":
        for org, who in ((str(uuid.uuid4()), "another organisation"), (None, "none")):
            response = await call(world.headers(scopes, org), key, world)
            assert response.status_code == 404, f"{who}: {response.status_code} {response.text}"
        response = await call(world.headers(("admin",)), key, world)
        assert response.status_code == 200, f"administrator: {response.status_code}"
    response = await call(world.headers(scopes, world.organisation_id), key, world)
    assert 200 <= response.status_code < 300, (
        f"allowed caller: {response.status_code} {response.text[:300]}"
    )
