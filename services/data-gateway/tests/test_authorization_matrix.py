"""The authorization matrix: every route of the data gateway against every kind of caller.

The policy table (convenor_gateway.policy) says, for each route, the scopes it accepts and
whose records it may touch. This test checks that the table, the app's routes and the OpenAPI
paths are the same set (a new route without a row fails the build), then drives every cell
against the real app on the test database:

- no token: 401 (public rows: answered without one);
- a client of the very organisation that may act, holding every scope but the row's: 403;
- ``own_organisation``: a client of no organisation, holding the row's scopes: 403; and a
  third organisation's list shows none of the records of the two parties;
- ``party``: a third organisation holding every scope, and a client of no organisation: 404,
  never 403, so a request cannot be discovered; where only one party acts, the other: 403;
- the caller who may (and an administrator, where the row says so): a success.

Records (requests in each state, a delivery, agreements, webhooks, a signed checkpoint) are
made once, through the API, by a requester (an OPCC) and a holder (a council).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from convenor_gateway.app import create_app
from convenor_gateway.audit import checkpoints
from convenor_gateway.audit import repository as audit_repository
from convenor_gateway.policy import POLICY, scopes_of
from convenor_shared.policy import UNDOCUMENTED, Rule, coverage, operations, served_routes
from convenor_shared.testing import LocalIssuer

from .conftest import FakeRegistry, FakeResolver
from .factories import Api, admin, approved_request, asb_request, deliver, partner, ward_csv

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
PARTY_SCOPES = ("gateway:request", "gateway:respond", "gateway:audit")
# Framework routes outside the API: the OpenAPI document, its viewers, the problem types.
HOOK_HOST = "hooks.matrix.example"
# No request here is ever closed: the matrix's webhooks queue nothing for other tests to send.
QUIET = ["request.closed"]
PURPOSE = "crime_and_disorder_reduction"

BODIES: dict[Key, Any] = {
    ("POST", "/v1/gateway-check"): {
        "requester_organisation_id": "{requester}",
        "holder_organisation_id": "{holder}",
        "purpose": PURPOSE,
        "data_categories": ["aggregate"],
    },
    ("PATCH", "/v1/requests/{request_id}"): {"justification": "Ward-level trends, clarified."},
    ("POST", "/v1/requests/{request_id}/transitions"): {"to": "acknowledged"},
    ("POST", "/v1/requests/{request_id}/erasure"): {
        "reason_code": "delivered_in_error",
        "reason": "Sent to the wrong team.",
    },
    ("PATCH", "/v1/agreements/{agreement_id}"): {"review_date": "2027-10-01"},
    ("POST", "/v1/webhooks"): {"url": f"https://{HOOK_HOST}/convenor", "events": QUIET},
}
PARAMS: dict[Key, dict[str, str]] = {
    ("GET", "/v1/audit/entries"): {"request_id": "{request_id}"},
    ("GET", "/v1/audit/proofs/inclusion"): {"index": "0", "tree_size": "{tree_size}"},
    ("GET", "/v1/audit/proofs/consistency"): {"first": "1", "second": "{tree_size}"},
}
HEADERS: dict[Key, dict[str, str]] = {
    ("GET", "/v1/requests/{request_id}/delivery"): {"Data-Purpose": PURPOSE},
    ("PUT", "/v1/requests/{request_id}/delivery"): {"Content-Type": "text/csv"},
}
# The record each row acts on, where it is not the default one: a move needs its state.
TARGETS: dict[Key, dict[str, str]] = {
    ("PATCH", "/v1/requests/{request_id}"): {"request_id": "clarifying"},
    ("POST", "/v1/requests/{request_id}/transitions"): {"request_id": "moving"},
    ("PUT", "/v1/requests/{request_id}/delivery"): {"request_id": "approved"},
    ("GET", "/v1/requests/{request_id}/delivery"): {"request_id": "delivered"},
    ("POST", "/v1/requests/{request_id}/erasure"): {"request_id": "erasable"},
    ("DELETE", "/v1/agreements/{agreement_id}"): {"agreement_id": "spare_agreement"},
    ("DELETE", "/v1/webhooks/{webhook_id}"): {"webhook_id": "spare_webhook"},
}
# The party that makes each row's allowed call where the requester does not, or where only one
# party may act at all; the other party then gets 403 (its move, its upload, its download).
ACTOR: dict[Key, str] = {
    ("PATCH", "/v1/requests/{request_id}"): "requester",
    ("POST", "/v1/requests/{request_id}/transitions"): "holder",
    ("PUT", "/v1/requests/{request_id}/delivery"): "holder",
    ("GET", "/v1/requests/{request_id}/delivery"): "requester",
    ("GET", "/v1/changes"): "service",
}


def agreement_body(holder: Api, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Matrix data sharing agreement",
        "party_organisation_ids": [holder.id],
        "purposes": [PURPOSE],
        "legal_gateways": ["cda-1998-s115"],
        "data_items": [{"name": "asb_incidents", "category": "aggregate"}],
        "lawful_basis": {"article_6": "public_task"},
        "retention_days": 365,
        "review_date": "2027-04-01",
        "start_date": "2026-04-01",
    }
    return body | overrides


async def sign_checkpoint(app: FastAPI) -> int:
    """Sign a checkpoint of the whole log now (the background checkpointer is off in tests)."""
    rt = app.state.runtime
    await checkpoints.catch_up(rt.database, rt.signing_keys, max_entries=100_000)
    async with rt.database.session() as session:
        latest = await audit_repository.latest_checkpoint(session)
    assert latest is not None
    return int(latest.tree_size)


class World:
    """Records between ``requester`` and ``holder``; ``outsider`` holds every scope and no
    stake in them; ``orphan`` holds every scope and belongs to no organisation."""

    def __init__(
        self, client: httpx.AsyncClient, registry: FakeRegistry, issuer: LocalIssuer
    ) -> None:
        self.client, self.issuer = client, issuer
        self.requester = partner(
            client, registry, issuer, "local_policing_body", kind="pcc", scopes=PARTY_SCOPES
        )
        self.holder = partner(client, registry, issuer, "local_authority", scopes=PARTY_SCOPES)
        self.outsider = partner(client, registry, issuer, "local_authority", scopes=EVERY_SCOPE)
        self.orphan = Api(client, issuer.token(EVERY_SCOPE, client_id="orphan"), {}, "orphan")
        self.admin = admin(client, issuer)
        self.ids: dict[str, str] = {"requester": self.requester.id, "holder": self.holder.id}
        self.private: set[str] = set()  # ids no third organisation may see

    async def build(self, app: FastAPI) -> None:
        a, b, ids = self.requester, self.holder, self.ids
        ids["gateway_id"] = "cda-1998-s115"
        for name in ("request_id", "moving", "clarifying"):
            ids[name] = (await a.created("/v1/requests", asb_request(b, submit=True)))["id"]
        clarify = await b.move(ids["clarifying"], "clarification_requested", reason="Which?")
        assert clarify.status_code == 200, clarify.text
        ids["approved"] = (await approved_request(a, b))["id"]
        for name in ("delivered", "erasable"):
            ids[name] = (await approved_request(a, b))["id"]
            delivered = await deliver(b, ids[name], ward_csv(secrets.token_hex(3)))
            assert delivered.status_code == 201, delivered.text
        for name in ("agreement_id", "spare_agreement"):
            ids[name] = (await a.created("/v1/agreements", agreement_body(b)))["id"]
        for name in ("webhook_id", "spare_webhook"):
            hook = {"url": f"https://{HOOK_HOST}/{name}", "events": QUIET}
            ids[name] = (await a.created("/v1/webhooks", hook))["id"]
        self.private = {v for k, v in ids.items() if k not in ("gateway_id", "holder")}
        self.private.discard(a.id)
        ids["tree_size"] = str(await sign_checkpoint(app))

    def target(self, key: Key) -> dict[str, str]:
        return self.ids | {k: self.ids[v] for k, v in TARGETS.get(key, {}).items()}

    def fill(self, key: Key, text: str) -> str:
        ids = self.target(key)
        return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], text)

    def filled(self, key: Key, value: Any) -> Any:
        if isinstance(value, str):
            return self.fill(key, value)
        if isinstance(value, dict):
            return {k: self.filled(key, v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.filled(key, v) for v in value]
        return value

    def body(self, key: Key) -> Any:
        if key == ("POST", "/v1/requests"):
            return asb_request(self.holder)
        if key == ("POST", "/v1/agreements"):
            return agreement_body(self.holder)
        if key in BODIES:
            return self.filled(key, BODIES[key])
        return {} if key[0] in ("POST", "PATCH") else None

    def scoped(self, api: Api, scopes: tuple[str, ...]) -> Api:
        """A client of ``api``'s organisation holding only ``scopes``."""
        client_id = f"matrix-{secrets.token_hex(4)}"
        org, kind = api.org.get("id"), api.org.get("classification")
        token = self.issuer.token(scopes, org=org, org_kind=kind, client_id=client_id)
        return Api(self.client, token, api.org, client_id)

    def actor(self, key: Key) -> Api:
        role = ACTOR.get(key)
        if role == "service":  # a service's client (analytics), not a partner's
            return self.scoped(self.requester, ("gateway:feed",))
        return self.holder if role == "holder" else self.requester

    def other_party(self, key: Key) -> Api | None:
        if ACTOR.get(key) in (None, "service"):
            return None
        return self.requester if ACTOR[key] == "holder" else self.holder


@pytest.fixture(scope="module")
async def world(
    app: FastAPI,
    client: httpx.AsyncClient,
    registry: FakeRegistry,
    issuer: LocalIssuer,
    resolver: FakeResolver,
) -> World:
    resolver.names[HOOK_HOST] = ["93.184.216.34"]
    built = World(client, registry, issuer)
    await built.build(app)
    return built


async def call(api: Api | None, key: Key, world: World) -> httpx.Response:
    method, path = key
    headers = {**(api.headers() if api else {}), **HEADERS.get(key, {})}
    if method == "POST":
        headers["Idempotency-Key"] = secrets.token_hex(8)
    params = world.filled(key, PARAMS.get(key, {}))
    url = world.fill(key, path)
    if key == ("PUT", "/v1/requests/{request_id}/delivery"):
        content = ward_csv(secrets.token_hex(3))
        return await world.client.put(url, content=content, headers=headers)
    body = world.body(key)
    return await world.client.request(method, url, json=body, params=params, headers=headers)


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
            assert rule.scope is None or scopes_of(rule) <= set(EVERY_SCOPE), key
            for party in ("requester", "holder"):
                if rule.note.startswith(f"{party} only"):
                    assert ACTOR.get(key) == party, f"{key}: the policy says {party} only"
        for key, role in ACTOR.items():
            assert POLICY[key].ownership == ("any" if role == "service" else "party"), key
        for key in (*TARGETS, *BODIES, *PARAMS, *HEADERS, *ACTOR):
            assert key in POLICY, key


@pytest.mark.parametrize("key", ordered_rows(), ids=lambda key: f"{key[0]} {key[1]}")
async def test_cell(key: Key, world: World, app: FastAPI):
    rule: Rule = POLICY[key]
    if rule.ownership == "public":
        response = await call(None, key, world)
        assert 200 <= response.status_code < 300, f"no token: {response.status_code}"
        return
    anonymous = await call(None, key, world)
    assert anonymous.status_code == 401, f"no token: {anonymous.status_code} {anonymous.text}"
    actor = world.actor(key)
    others = tuple(s for s in EVERY_SCOPE if s not in scopes_of(rule))
    unscoped = await call(world.scoped(actor, others), key, world)
    assert unscoped.status_code == 403, f"without {rule.scope}: {unscoped.status_code}"
    if rule.ownership == "own_organisation":
        orphan = world.scoped(world.orphan, tuple(scopes_of(rule)))
        response = await call(orphan, key, world)
        assert response.status_code == 403, f"no organisation: {response.status_code}"
        if key[0] == "GET":
            listed = await call(world.outsider, key, world)
            assert listed.status_code == 200, listed.text
            leaked = [i for i in world.private if i in listed.text]
            assert not leaked, f"a third organisation sees {leaked}"
    if rule.ownership == "party":
        for stranger, who in ((world.outsider, "another organisation"), (world.orphan, "none")):
            response = await call(stranger, key, world)
            assert response.status_code == 404, f"{who}: {response.status_code} {response.text}"
        other = world.other_party(key)
        if other is not None:
            response = await call(other, key, world)
            assert response.status_code == 403, f"other party: {response.status_code}"
    if "administrator" in rule.note:
        response = await call(world.admin, key, world)
        assert 200 <= response.status_code < 300, f"administrator: {response.status_code}"
    if key == ("GET", "/v1/requests/{request_id}/evidence"):
        await sign_checkpoint(app)  # the reads above are in the log too
    response = await call(actor, key, world)
    assert 200 <= response.status_code < 300, (
        f"allowed caller: {response.status_code} {response.text[:300]}"
    )


class TestHolesClosed:
    """Regressions for holes the matrix found: each was open before the policy was declared."""

    async def test_a_draft_withdrawn_unsent_never_reaches_the_holder(self, world: World):
        a, b = world.requester, world.holder
        draft = await a.created("/v1/requests", asb_request(b))
        assert (await a.move(draft["id"], "withdrawn")).status_code == 200
        assert (await b.get(f"/v1/requests/{draft['id']}")).status_code == 404
        listed = await b.get("/v1/requests", params={"role": "holder", "limit": 200})
        assert draft["id"] not in listed.text
        entries = await b.get("/v1/audit/entries", params={"request_id": draft["id"]})
        assert entries.status_code == 200
        assert entries.json()["items"] == []
        assert (await a.get(f"/v1/requests/{draft['id']}")).json()["status"] == "withdrawn"

    async def test_the_holder_sees_no_audit_entry_of_a_draft(self, world: World):
        draft = await world.requester.created("/v1/requests", asb_request(world.holder))
        params = {"request_id": draft["id"]}
        assert (await world.holder.get("/v1/audit/entries", params=params)).json()["items"] == []
        mine = await world.requester.get("/v1/audit/entries", params=params)
        assert len(mine.json()["items"]) == 1

    async def test_a_client_without_gateway_request_cannot_raise_a_request(self, world: World):
        responder = world.scoped(world.requester, ("gateway:respond", "gateway:audit"))
        response = await responder.post("/v1/requests", json=asb_request(world.holder, submit=True))
        assert response.status_code == 403
        assert response.json()["type"] == "/problems/insufficient-scope"

    async def test_a_client_without_gateway_request_cannot_download(self, world: World):
        responder = world.scoped(world.requester, ("gateway:respond", "gateway:audit"))
        url = f"/v1/requests/{world.ids['delivered']}/delivery"
        response = await responder.get(url, headers={"Data-Purpose": PURPOSE})
        assert response.status_code == 403
        assert response.json()["type"] == "/problems/not-the-recipient"
