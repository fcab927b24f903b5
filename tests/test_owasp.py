"""The OWASP API Security Top 10 (2023), risk by risk, against the three real services wired
together (``stack.py``): real tokens from the registry, real organisation lookups, real
databases. One class per risk. Where a per-service suite already pins a claim down, the class
says where and tests here only what that suite cannot see (a real token, the real registry
behind the gateway, the three services side by side).

API8 (security misconfiguration) is ``tests/test_misconfiguration.py``: production mode
refuses SQLite, debug, TLS verification off, the bootstrap client, generated keys, plain-http
issuer URLs and weak service secrets.

API10 (unsafe consumption of the other services' answers) is ``test_owasp_consumption.py``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import importlib
import importlib.metadata
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OKPKey
from sqlalchemy import select

from convenor_gateway.data_requests.schemas import RequestRead
from convenor_gateway.deliveries.schemas import DeliveryRead
from convenor_gateway.models import DataRequest, Delivery
from convenor_registry.clients.schemas import ClientRead
from convenor_registry.models import ApiClient
from convenor_shared.db import Database
from convenor_shared.policy import UNDOCUMENTED, served_routes

from .owasp_world import (
    BASES,
    DATASET,
    DISTRIBUTIONS,
    EVERYTHING,
    PROBE,
    PURPOSE,
    World,
    asb_request,
    b64,
    claims_of,
    key,
    new_party,
    problem,
    variant,
)
from .stack import ANALYTICS, GATEWAY, REGISTRY, Stack

# --- API1 -------------------------------------------------------------------------------------


class TestAPI1BrokenObjectLevelAuthorization:
    """A request, its delivery, history, decision record, evidence and audit entries exist
    only for its two parties: anyone else gets 404, not 403, and nothing of it in a list. In the
    registry the landscape is readable by all, but changing a record needs a stake in it (403).
    The per-route matrix of the registry is ``services/registry/tests/
    test_authorization_matrix.py``; the gateway's per-view checks against a fake registry are in
    ``services/data-gateway/tests`` (test_requests, test_downloads, test_evidence, test_audit,
    test_webhooks, test_agreements)."""

    async def test_a_third_organisation_cannot_see_or_touch_a_request_between_two_others(
        self, world: World
    ):
        c, rid = world.c.http, world.request["id"]
        base = f"{GATEWAY}/v1/requests/{rid}"
        for url in (
            base,
            f"{base}/history",
            f"{base}/decision-record",
            f"{base}/evidence",
            f"{base}/delivery",
        ):
            response = await c.get(url, headers={"Data-Purpose": PURPOSE})
            problem(response, 404)  # and nothing of the request: not its parties, not its text
            assert world.a.id not in response.text and world.b.id not in response.text
            assert "strategic assessment" not in response.text
        problem(await c.patch(base, json={"necessity": "mine now"}), 404)
        problem(await world.c.move(rid, "closed"), 404)
        problem(
            await c.put(f"{base}/delivery", content=DATASET, headers={"Content-Type": "text/csv"}),
            404,
        )
        problem(
            await c.post(
                f"{base}/erasure", json={"reason_code": "delivered_in_error", "reason": "x"}
            ),
            404,
        )
        listed = (await c.get(f"{GATEWAY}/v1/requests")).json()["items"]
        assert rid not in {item["id"] for item in listed}

    async def test_an_unknown_id_and_another_partys_id_answer_alike(self, world: World):
        """404 for both, with the same problem type: ids cannot be probed for existence."""
        unknown = await world.c.http.get(f"{GATEWAY}/v1/requests/{uuid.uuid4()}")
        theirs = await world.c.http.get(f"{GATEWAY}/v1/requests/{world.request['id']}")
        assert problem(unknown, 404)["type"] == problem(theirs, 404)["type"]

    async def test_the_audit_log_shows_a_third_organisation_none_of_their_entries(
        self, stack: Stack, world: World
    ):
        rid = world.request["id"]
        entries = f"{GATEWAY}/v1/audit/entries"
        mine = await world.c.http.get(entries, params={"request_id": rid, "limit": 1000})
        assert mine.status_code == 200 and mine.json()["items"] == []
        everything = (await world.c.http.get(entries, params={"limit": 1000})).json()["items"]
        assert all(item["entry"].get("request_id") != rid for item in everything)
        # The parties do see them; what is public to all is only the signed tree head and keys.
        theirs = (await world.a.http.get(entries, params={"request_id": rid})).json()["items"]
        assert theirs
        async with stack.client() as public:
            assert (await public.get(f"{GATEWAY}/v1/audit/keys")).status_code == 200
            problem(await public.get(entries), 401)

    async def test_a_meeting_is_readable_by_all_but_changed_only_by_its_manager(self, world: World):
        meeting = f"{REGISTRY}/v1/meetings/{world.meeting['id']}"
        assert (await world.c.http.get(meeting)).status_code == 200
        problem(await world.c.http.patch(meeting, json={"title": "hijacked"}), 403)
        problem(
            await world.c.http.put(f"{meeting}/attendance", json={"records": []}),
            403,
        )
        problem(await world.c.http.delete(meeting), 403)
        partnership = f"{REGISTRY}/v1/partnerships/{world.partnership['id']}"
        problem(await world.c.http.patch(partnership, json={"name": "ours now"}), 403)
        after = (await world.a.http.get(meeting)).json()
        assert after["title"] == world.meeting["title"] and after["version"] == 1
        assert (await world.a.http.patch(meeting, json={"title": "Board"})).status_code == 200

    async def test_an_organisations_clients_are_its_own(self, world: World):
        clients = f"{REGISTRY}/v1/organisations/{world.a.id}/clients"
        problem(await world.c.http.get(clients), 403)
        problem(await world.c.http.delete(f"{clients}/{world.a.client_id}"), 403)
        assert (await world.a.http.get(PROBE["gateway"])).status_code == 200


# --- API2 -------------------------------------------------------------------------------------


def _sign(stack: Stack, claims: dict[str, Any], signer: OKPKey | None = None) -> str:
    real: OKPKey = stack.apps["registry"].state.signing_keys.signing_key
    header = {"alg": "Ed25519", "kid": real.kid, "typ": "at+jwt"}
    return jwt.encode(header, claims, signer or real, algorithms=["Ed25519"])


def forged(stack: Stack, token: str, case: str, service: str) -> str | None:
    """``token`` spoiled as ``case`` says (None: send no token). Every forgery but the
    signature ones is signed with the registry's real key, so only the defect named is wrong."""
    now = int(time.time())
    claims = claims_of(token)
    header, payload, signature = token.split(".")
    own = f"convenor-{service}"  # the audience the service accepts
    if case == "missing":
        return None
    if case == "garbage":
        return "not.a.token"
    if case == "valid":  # the control: a re-signed copy of the real token is accepted
        return _sign(stack, claims)
    if case == "expired":
        return _sign(stack, claims | {"iat": now - 4000, "nbf": now - 4000, "exp": now - 3600})
    if case == "nbf_in_future":
        return _sign(stack, claims | {"nbf": now + 3600, "exp": now + 4000})
    if case == "iat_in_future":
        return _sign(stack, claims | {"iat": now + 3600, "exp": now + 4000})
    if case == "other_key":
        return _sign(stack, claims, OKPKey.generate_key("Ed25519"))
    if case == "alg_none":
        return ".".join([b64({"alg": "none", "typ": "at+jwt"}), payload, ""])
    if case == "alg_hs256_with_public_key":
        real: OKPKey = stack.apps["registry"].state.signing_keys.signing_key
        public = json.dumps(real.as_dict(private=False)).encode()
        head = b64({"alg": "HS256", "kid": real.kid, "typ": "at+jwt"})
        mac = hmac.new(public, f"{head}.{payload}".encode(), hashlib.sha256).digest()
        return f"{head}.{payload}.{b64(mac)}"
    if case == "tampered":
        return ".".join([header, b64(claims | {"scope": "admin"}), signature])
    if case == "wrong_audience":
        return _sign(stack, claims | {"aud": ["convenor-elsewhere"]})
    if case == "another_services_audience":
        others = [a for a in claims["aud"] if a != own]
        assert others and own in claims["aud"]
        return _sign(stack, claims | {"aud": others})
    if case == "wrong_issuer":
        return _sign(stack, claims | {"iss": "http://issuer.evil.test"})
    raise AssertionError(case)


BAD_TOKENS = [
    "missing",
    "garbage",
    "expired",
    "nbf_in_future",
    "iat_in_future",
    "other_key",
    "alg_none",
    "alg_hs256_with_public_key",
    "tampered",
    "wrong_audience",
    "another_services_audience",
    "wrong_issuer",
]


class TestAPI2BrokenAuthentication:
    """Each service verifies the registry's tokens itself: signature against the issuer's JWKS,
    the algorithm against an allow-list, ``iss``, ``aud``, ``exp``, ``nbf``/``iat``, and the
    registry's revocation list. Forgeries are signed with the registry's real key, so each
    fails for its one defect alone. (The registry alone: ``services/registry/tests/
    test_problems.py::TestBadTokens``; token issuance: ``test_tokens.py``.)"""

    @pytest.mark.parametrize("service", ["registry", "gateway", "analytics"])
    async def test_every_bad_token_is_a_401_with_a_bearer_challenge(
        self, stack: Stack, world: World, service: str
    ):
        async with stack.client() as http:
            valid = forged(stack, world.c.token, "valid", service)
            ok = await http.get(PROBE[service], headers={"Authorization": f"Bearer {valid}"})
            assert ok.status_code == 200, ok.text
            for case in BAD_TOKENS:
                token = forged(stack, world.c.token, case, service)
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                response = await http.get(PROBE[service], headers=headers)
                assert response.status_code == 401, (service, case, response.text)
                problem(response, 401)
                assert response.headers["www-authenticate"].startswith("Bearer"), case

    async def test_a_revoked_client_is_refused_by_every_service(self, stack: Stack, world: World):
        """At once by the registry; by the others at their next poll of the revocation list
        (every 30 s by default, shortened here)."""
        victim = await new_party(stack, world.admin, "Revoked", "local_authority", EVERYTHING)
        headers = {"Authorization": f"Bearer {victim.token}"}
        async with (
            variant(stack, "gateway", revocation_check_seconds=0.05) as gateway,
            variant(stack, "analytics", revocation_check_seconds=0.05) as analytics,
        ):
            paths = {"gateway": "/v1/requests", "analytics": "/v1/sync/status"}
            calls: dict[str, Callable[[], Awaitable[httpx.Response]]] = {
                "registry": lambda: victim.http.get(PROBE["registry"]),
                "gateway": lambda: gateway.get(paths["gateway"], headers=headers),
                "analytics": lambda: analytics.get(paths["analytics"], headers=headers),
            }
            for name, call in calls.items():
                assert (await call()).status_code == 200, name
            revoke = await world.admin.delete(
                f"{REGISTRY}/v1/organisations/{victim.id}/clients/{victim.client_id}"
            )
            assert revoke.status_code == 204
            await asyncio.sleep(0.1)
            for name, call in calls.items():
                response = await call()
                assert response.status_code == 401, (name, response.text)
                assert "revoked" in problem(response, 401)["detail"]
                assert response.headers["www-authenticate"].startswith("Bearer")
        await victim.http.aclose()
        async with stack.client() as http:
            again = await http.post(
                f"{REGISTRY}/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(victim.client_id, victim.secret),
            )
        assert again.status_code == 401 and again.json()["error"] == "invalid_client"


# --- API3 -------------------------------------------------------------------------------------


# Values a client might try to set on fields the server owns.
FORCED: dict[str, Any] = {
    "status": "approved",
    "id": str(uuid.uuid4()),
    "requester_organisation_id": str(uuid.uuid4()),
    "holder_organisation_id": str(uuid.uuid4()),
    "created_at": "2020-01-01T00:00:00Z",
    "decided_at": "2020-01-01T00:00:00Z",
    "approved_items": ["ward_code"],
    "version": 99,
    "organisation_id": str(uuid.uuid4()),
    "client_secret": "chosen-by-the-client-0123456789abcdef",
    "client_id": "my-own-client-id",
    "revoked_at": None,
    "partnership_id": str(uuid.uuid4()),
}


class TestAPI3BrokenObjectPropertyLevelAuthorization:
    """Request models refuse unknown fields (no mass assignment): a field the server owns
    (``id``, ``status``, ``created_at``, an organisation) sent by a client is a 422 naming it,
    never silently ignored or applied. Responses are read models: nothing internal (secret
    hashes, data keys, audit salts) reaches a partner. (Unknown fields generally:
    ``services/registry/tests/test_problems.py``, ``services/data-gateway/tests/
    test_problems.py``; webhook secrets shown once: ``test_webhooks.py``.)"""

    @pytest.mark.parametrize(
        "field",
        ["status", "id", "requester_organisation_id", "created_at", "approved_items", "version"],
    )
    async def test_a_request_cannot_be_created_with_server_owned_fields(
        self, world: World, field: str
    ):
        body = asb_request(world.b) | {field: FORCED[field]}
        response = await world.a.http.post(f"{GATEWAY}/v1/requests", json=body, headers=key())
        refused = problem(response, 422)
        assert any(error["loc"][-1] == field for error in refused["errors"]), refused

    @pytest.mark.parametrize(
        "field", ["status", "holder_organisation_id", "requester_organisation_id", "decided_at"]
    )
    async def test_a_draft_cannot_be_patched_into_another_state_or_party(
        self, world: World, field: str
    ):
        draft = await world.a.created(f"{GATEWAY}/v1/requests", asb_request(world.b))
        url = f"{GATEWAY}/v1/requests/{draft['id']}"
        problem(await world.a.http.patch(url, json={field: FORCED[field]}), 422)
        after = (await world.a.http.get(url)).json()
        assert after["status"] == "draft" and after["version"] == draft["version"]
        assert after["holder_organisation_id"] == world.b.id

    @pytest.mark.parametrize(
        ("where", "field"),
        [
            ("client", "organisation_id"),
            ("client", "client_secret"),
            ("client", "client_id"),
            ("client", "revoked_at"),
            ("organisation", "id"),
            ("organisation", "created_at"),
            ("meeting", "id"),
            ("meeting", "partnership_id"),
            ("meeting", "version"),
            ("meeting_patch", "partnership_id"),
            ("meeting_patch", "created_at"),
        ],
    )
    async def test_registry_records_cannot_be_written_with_server_owned_fields(
        self, world: World, where: str, field: str
    ):
        a, value = world.a, FORCED[field]
        if where == "client":
            url, body = (
                f"{REGISTRY}/v1/organisations/{a.id}/clients",
                {"name": "x", "scopes": ["registry:read"]},
            )
        elif where == "organisation":
            url, body = f"{REGISTRY}/v1/organisations", {"name": "x", "classification": "vcse"}
        else:
            url = f"{REGISTRY}/v1/partnerships/{world.partnership['id']}/meetings"
            body = {"start": "2026-07-01T10:00:00Z", "end": "2026-07-01T11:00:00Z"}
        if where == "meeting_patch":
            response = await a.http.patch(
                f"{REGISTRY}/v1/meetings/{world.meeting['id']}", json={field: value}
            )
        else:
            response = await a.http.post(url, json=body | {field: value}, headers=key())
        refused = problem(response, 422)
        assert any(error["loc"][-1] == field for error in refused["errors"]), refused

    async def test_a_client_listing_never_shows_a_secret_or_its_hash(
        self, stack: Stack, world: World
    ):
        listed = await world.a.http.get(f"{REGISTRY}/v1/organisations/{world.a.id}/clients")
        assert listed.status_code == 200
        assert all(set(item) == set(ClientRead.model_fields) for item in listed.json())
        assert world.a.secret not in listed.text
        database = Database(stack.urls["registry"])
        try:
            async with database.session() as session:
                query = select(ApiClient.secret_hash).where(
                    ApiClient.organisation_id == uuid.UUID(world.a.id)
                )
                stored = [h for h in (await session.execute(query)).scalars() if h]
        finally:
            await database.dispose()
        assert stored and all(h not in listed.text for h in stored)

    async def test_the_parties_never_see_the_data_key_or_the_audit_salt(
        self, stack: Stack, world: World
    ):
        rid = world.request["id"]
        database = Database(stack.urls["gateway"])
        try:
            async with database.session() as session:
                salt = await session.scalar(
                    select(DataRequest.audit_salt).where(DataRequest.id == uuid.UUID(rid))
                )
                wrapped = await session.scalar(
                    select(Delivery.wrapped_key).where(Delivery.request_id == uuid.UUID(rid))
                )
        finally:
            await database.dispose()
        assert salt and wrapped
        secrets = [salt, wrapped, wrapped[:40]]
        base = f"{GATEWAY}/v1/requests/{rid}"
        seen: list[httpx.Response] = []
        for party in (world.a, world.b):
            request = await party.http.get(base)
            assert set(request.json()) == set(RequestRead.model_fields)
            seen += [
                request,
                await party.http.get(f"{base}/history"),
                await party.http.get(f"{base}/decision-record"),
                await party.http.get(f"{GATEWAY}/v1/audit/entries", params={"request_id": rid}),
                await party.http.get(f"{GATEWAY}/v1/requests"),
            ]
        download = await world.a.http.get(f"{base}/delivery", headers={"Data-Purpose": PURPOSE})
        assert download.content == DATASET  # the plaintext, and nothing else
        seen.append(download)
        for response in seen:
            assert response.status_code == 200, response.text
            assert not any(s in response.text for s in secrets), response.url
        metadata = await world.b.http.put(
            f"{base}/delivery", content=DATASET, headers={"Content-Type": "text/csv"}
        )
        assert metadata.status_code == 200  # the same bytes again: a no-op
        assert set(metadata.json()) == set(DeliveryRead.model_fields)
        assert not any(s in metadata.text for s in secrets)


# --- API4 -------------------------------------------------------------------------------------


class TestAPI4UnrestrictedResourceConsumption:
    """Bodies over the limit are 413 (declared or streamed), ``limit`` over the maximum is 422,
    a client over its rate gets 429 with ``Retry-After``, and a client trickling its body in
    holds no transaction (nor SQLite's write lock) while it does. (The registry's 413, 422 and
    429 and the gateway's 413 and 422 with declared lengths: their ``test_problems.py``.)"""

    BIG_POSTS = {
        "registry": f"{REGISTRY}/v1/partnerships",
        "gateway": f"{GATEWAY}/v1/requests",
        "analytics": f"{ANALYTICS}/v1/costs/estimate",
    }

    @pytest.mark.parametrize("service", ["registry", "gateway", "analytics"])
    async def test_a_body_over_the_limit_is_413_declared_or_streamed(
        self, world: World, service: str
    ):
        huge = json.dumps({"name": "x", "description": "y" * 1_100_000}).encode()
        declared = await world.c.http.post(
            self.BIG_POSTS[service],
            content=huge,
            headers=key() | {"Content-Type": "application/json"},
        )
        problem(declared, 413)

        async def stream() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
            for start in range(0, len(huge), 64 * 1024):
                yield huge[start : start + 64 * 1024]

        streamed = await world.c.http.post(
            self.BIG_POSTS[service],
            content=stream(),
            headers=key() | {"Content-Type": "application/json"},
        )
        problem(streamed, 413)

    @pytest.mark.parametrize(
        "url",
        [
            f"{GATEWAY}/v1/audit/entries?limit=1001",
            f"{GATEWAY}/v1/requests?limit=201",
            f"{ANALYTICS}/v1/duplication?limit=5001",
            f"{REGISTRY}/v1/organisations?limit=201",
            f"{REGISTRY}/v1/changes?limit=100000",
        ],
    )
    async def test_a_page_larger_than_the_maximum_is_422(self, world: World, url: str):
        problem(await world.c.http.get(url), 422)

    @pytest.mark.parametrize("service", ["gateway", "analytics"])
    async def test_a_client_over_its_rate_gets_429_with_retry_after(
        self, stack: Stack, world: World, service: str
    ):
        path = PROBE[service].removeprefix(BASES[service])
        async with variant(stack, service, rate_limit_per_minute=3) as http:
            mine = {"Authorization": f"Bearer {world.c.token}"}
            statuses = [(await http.get(path, headers=mine)).status_code for _ in range(3)]
            assert statuses == [200, 200, 200]
            limited = await http.get(path, headers=mine)
            problem(limited, 429)
            assert int(limited.headers["retry-after"]) >= 1
            other = await http.get(path, headers={"Authorization": f"Bearer {world.b.token}"})
            assert other.status_code == 200  # a bucket per client
            assert (await http.get("/healthz")).status_code == 200  # probes are not limited

    async def test_a_client_trickling_its_body_does_not_hold_up_other_writers(self, world: World):
        """Found here: on SQLite a JSON write took the database's write lock before reading
        its body, so one slow client stalled every writer (until the lock timeout: 503s). The
        body is now read whole (within the size limit) before the transaction begins."""
        url = f"{REGISTRY}/v1/partnerships/{world.partnership['id']}"
        pieces = [b'{"description":', b' "sent', b" slowly", b'"}']

        async def trickle() -> AsyncIterator[bytes]:
            for piece in pieces:
                await asyncio.sleep(0.4)
                yield piece

        slow = asyncio.create_task(
            world.a.http.patch(url, content=trickle(), headers={"Content-Type": "application/json"})
        )
        await asyncio.sleep(0.2)  # the slow request is under way, its body arriving
        started = time.monotonic()
        other = await world.b.created(
            f"{REGISTRY}/v1/partnerships", {"name": "B's board", "type": "csp"}
        )
        read = await world.b.http.get(f"{REGISTRY}/v1/partnerships/{other['id']}")
        waited = time.monotonic() - started
        assert read.status_code == 200
        assert not slow.done() and waited < 0.8, f"another writer waited {waited:.2f}s"
        done = await slow
        assert done.status_code == 200 and done.json()["description"] == "sent slowly"


# --- API5 -------------------------------------------------------------------------------------


class TestAPI5BrokenFunctionLevelAuthorization:
    """Functions beyond a partner's role need the scope or the party role: the requester cannot
    approve, a partner cannot administer the registry (reference geography, other
    organisations' clients, scopes it does not hold) nor read the gateway's log or change feed
    without ``gateway:audit``. (Every registry route and scope: ``services/registry/tests/
    test_authorization_matrix.py``.) The gateway has no route that makes audit checkpoints:
    they are made by a background task only, so there is none to protect."""

    async def test_the_requester_cannot_approve_its_own_request(self, world: World):
        request = await world.a.created(f"{GATEWAY}/v1/requests", asb_request(world.b, submit=True))
        for move, fields in (
            ("approved", {}),
            ("partially_approved", {"approved_items": ["ward_code"]}),
            ("acknowledged", {}),
        ):
            refused = problem(await world.a.move(request["id"], move, **fields), 403)
            assert refused["type"] == "/problems/not-your-move", refused
        state = (await world.a.http.get(f"{GATEWAY}/v1/requests/{request['id']}")).json()
        assert state["status"] == "submitted" and state["allowed_transitions"] == ["withdrawn"]

    async def test_a_partner_cannot_call_the_administrators_routes(self, world: World):
        c = world.c.http
        area = {"gss_code": "E05999999", "name": "Made-up ward", "classification": "csp_area"}
        problem(await c.post(f"{REGISTRY}/v1/areas", json=area, headers=key()), 403)
        some_area = (await c.get(f"{REGISTRY}/v1/areas", params={"limit": 1})).json()["items"][0]
        problem(await c.patch(f"{REGISTRY}/v1/areas/{some_area['id']}", json={"name": "x"}), 403)
        for_a = {"name": "backdoor", "scopes": ["registry:read"]}
        problem(
            await c.post(
                f"{REGISTRY}/v1/organisations/{world.a.id}/clients", json=for_a, headers=key()
            ),
            403,
        )
        own = f"{REGISTRY}/v1/organisations/{world.c.id}/clients"
        for scopes in (["admin"], ["registry:read", "admin"]):
            problem(await c.post(own, json={"name": "x", "scopes": scopes}, headers=key()), 403)

    async def test_without_the_audit_scope_a_partner_cannot_read_the_log_or_the_feed(
        self, stack: Stack, world: World
    ):
        partner = await new_party(
            stack, world.admin, "No audit", "local_authority", ["gateway:request"]
        )
        async with partner.http:
            for url in (
                f"{GATEWAY}/v1/audit/entries",
                f"{GATEWAY}/v1/audit/proofs/inclusion?index=0",
                f"{GATEWAY}/v1/changes",
                f"{REGISTRY}/v1/organisations",
                f"{ANALYTICS}/v1/sync/status",
            ):
                problem(await partner.http.get(url), 403)
            problem(await partner.http.post(f"{GATEWAY}/v1/audit/verify"), 403)
            problem(await partner.http.post(f"{ANALYTICS}/v1/sync"), 403)

    async def test_a_token_cannot_grant_itself_more_scopes_than_its_client_has(
        self, stack: Stack, world: World
    ):
        partner = await new_party(
            stack, world.admin, "Narrow", "local_authority", ["gateway:request"]
        )
        await partner.http.aclose()
        async with stack.client() as http:
            response = await http.post(
                f"{REGISTRY}/oauth/token",
                data={"grant_type": "client_credentials", "scope": "gateway:request admin"},
                auth=(partner.client_id, partner.secret),
            )
        assert response.status_code == 400 and response.json()["error"] == "invalid_scope"


# --- API6 -------------------------------------------------------------------------------------


class TestAPI6UnrestrictedAccessToSensitiveBusinessFlows:
    """The sharing flow cannot be short-cut: a party cannot decide its own request, an approval
    releases the data for the approved purpose only (a download stating another purpose is
    refused and logged), an approved request cannot be edited into another one, and a decision
    cannot be made twice. (The same against a fake registry: ``services/data-gateway/tests/
    test_requests.py::TestMoves`` and ``test_downloads.py``.)"""

    async def test_an_approval_does_not_release_the_data_for_another_purpose(self, world: World):
        rid = world.request["id"]
        url = f"{GATEWAY}/v1/requests/{rid}/delivery"
        other = await world.a.http.get(url, headers={"Data-Purpose": "research_statistics"})
        assert problem(other, 403)["type"] == "/problems/purpose-mismatch"
        entries = (
            await world.a.http.get(
                f"{GATEWAY}/v1/audit/entries", params={"request_id": rid, "limit": 1000}
            )
        ).json()["items"]
        last = entries[-1]["entry"]
        assert last["event"] == "download_refusal" and last["reason_code"] == "purpose_mismatch"
        assert last["actor"]["organisation_id"] == world.a.id
        stated = await world.a.http.get(url, headers={"Data-Purpose": PURPOSE})
        assert stated.status_code == 200 and stated.content == DATASET

    async def test_an_approved_request_cannot_be_edited_or_decided_again(self, world: World):
        rid = world.request["id"]
        url = f"{GATEWAY}/v1/requests/{rid}"
        edit = await world.a.http.patch(url, json={"purpose": "research_statistics"})
        assert problem(edit, 409)["type"] == "/problems/request-not-editable"
        problem(await world.b.move(rid, "approved"), 409)
        problem(
            await world.b.move(rid, "refused", reason_code="not_held", reason="changed my mind"),
            409,
        )
        assert (await world.a.http.get(url)).json()["purpose"] == PURPOSE


# --- API7 -------------------------------------------------------------------------------------


class TestAPI7ServerSideRequestForgery:
    """The gateway is the only service that fetches a URL a client gave it (webhooks): they
    must be https and resolve only to public addresses, at registration and again at each send
    (``services/data-gateway/tests/test_webhooks.py`` covers DNS names resolving inwards,
    rebinding and the check before sending). Every other URL a client can store (a meeting's
    ``online_url``, an organisation's ``website``, a partnership's ``statutory_basis_url``, a
    strategy's ``url``, an agreement's ``document_url``) is data: it must be http(s), and no
    service ever fetches it."""

    @pytest.mark.parametrize(
        "url",
        [
            "https://127.0.0.1/hook",
            "https://localhost/hook",
            "https://10.1.2.3/hook",
            "https://192.168.0.10/hook",
            "https://169.254.169.254/latest/meta-data/",
            "https://[::1]/hook",
            "https://[fd00::1]/hook",
            "https://0x7f000001/hook",
            "https://2130706433/hook",
            "file:///etc/passwd",
            "gopher://127.0.0.1:6379/_INFO",
            "http://partner.example/hook",
        ],
    )
    async def test_a_webhook_to_an_internal_or_non_https_target_is_refused(
        self, world: World, url: str
    ):
        response = await world.b.http.post(
            f"{GATEWAY}/v1/webhooks", json={"url": url}, headers=key()
        )
        assert problem(response, 422)["type"] == "/problems/webhook-url-refused"

    async def test_stored_urls_are_never_fetched_and_must_be_http(
        self, stack: Stack, world: World, monkeypatch: pytest.MonkeyPatch
    ):
        hosts: list[str] = []
        route = stack.router.handle_async_request

        async def spy(request: httpx.Request) -> httpx.Response:
            hosts.append(request.url.host)
            return await route(request)

        monkeypatch.setattr(stack.router, "handle_async_request", spy)
        inward = "http://169.254.169.254/latest/meta-data/iam"
        a = world.a
        meeting = await a.created(
            f"{REGISTRY}/v1/partnerships/{world.partnership['id']}/meetings",
            {
                "start": "2026-08-01T10:00:00Z",
                "end": "2026-08-01T11:00:00Z",
                "online_url": inward,
            },
        )
        patched = await a.http.patch(
            f"{REGISTRY}/v1/organisations/{a.id}", json={"website": inward}
        )
        assert patched.status_code == 200, patched.text
        await a.created(
            f"{REGISTRY}/v1/partnerships",
            {"name": "Linked", "type": "csp", "statutory_basis_url": inward},
        )
        # What the gateway and analytics do with these records: read them over the feeds.
        assert (await world.admin.post(f"{ANALYTICS}/v1/sync")).status_code == 200
        assert meeting["online_url"] == inward
        assert set(hosts) <= {"registry.test", "gateway.test", "analytics.test"}, hosts
        for field, url, body in (
            ("online_url", f"{REGISTRY}/v1/meetings/{meeting['id']}", None),
            ("website", f"{REGISTRY}/v1/organisations/{a.id}", None),
            (
                "statutory_basis_url",
                f"{REGISTRY}/v1/partnerships",
                {"name": "Bad link", "type": "csp"},
            ),
        ):
            for bad in ("file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO"):
                if body is None:
                    response = await a.http.patch(url, json={field: bad})
                else:
                    response = await a.http.post(url, json=body | {field: bad}, headers=key())
                refused = problem(response, 422)
                assert any(e["loc"][-1] == field for e in refused["errors"]), refused


# --- API8: tests/test_misconfiguration.py ------------------------------------------------------


# --- API9 -------------------------------------------------------------------------------------


class TestAPI9ImproperInventoryManagement:
    """What each service serves is what its OpenAPI document says, in both directions, at the
    version of the package that is installed. (The registry's policy table against its
    document: ``services/registry/tests/test_authorization_matrix.py::TestThePolicyTable``.)"""

    @pytest.mark.parametrize("service", ["registry", "gateway", "analytics"])
    async def test_every_route_is_documented_and_every_documented_route_is_served(
        self, stack: Stack, service: str
    ):
        app = stack.apps[service]
        async with stack.client() as http:
            served = await http.get(f"{BASES[service]}/openapi.json")
        assert served.status_code == 200
        document = served.json()
        described = {
            (method.upper(), path)
            for path, operations in document["paths"].items()
            for method in operations
            if method in ("get", "put", "post", "patch", "delete")
        }
        documented, hidden = served_routes(app)
        assert documented == described, {
            "served, not documented": sorted(documented - described),
            "documented, not served": sorted(described - documented),
        }
        assert hidden == UNDOCUMENTED, hidden

    @pytest.mark.parametrize("service", ["registry", "gateway", "analytics"])
    async def test_the_documents_carry_the_installed_version(self, stack: Stack, service: str):
        installed = importlib.metadata.version(DISTRIBUTIONS[service])
        module = importlib.import_module(f"convenor_{service}")
        async with stack.client() as http:
            document = (await http.get(f"{BASES[service]}/openapi.json")).json()
            docs = await http.get(f"{BASES[service]}/docs")
        assert document["info"]["version"] == installed == module.__version__
        assert stack.apps[service].version == installed
        assert docs.status_code == 200 and "/openapi.json" in docs.text
