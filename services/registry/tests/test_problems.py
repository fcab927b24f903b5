"""Every mistake a client can make is a problem+json with the right status and changes nothing."""

from __future__ import annotations

import base64
import io
import json
import time

import asyncpg
import httpx
import openpyxl
import pytest
from joserfc import jwt
from joserfc.jwk import OKPKey

from convenor_registry.app import create_app
from convenor_registry.config import RegistrySettings
from convenor_registry.models import IdempotencyKey
from convenor_shared import testing
from convenor_shared.idempotency import LOCK_CLASS, Pending, _lock_id

from .factories import Api, org_api, partnership

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["type"].startswith("/problems/")
    assert "Traceback" not in response.text
    return body


class TestClientMistakes:
    async def test_a_malformed_cursor_is_400(self, admin: Api):
        assert_problem(await admin.get("/v1/partnerships", params={"cursor": "not-a-cursor!"}), 400)

    async def test_a_cursor_holding_something_else_is_400(self, admin: Api):
        forged = base64.urlsafe_b64encode(json.dumps({"id": "x"}).encode()).decode().rstrip("=")
        assert_problem(await admin.get("/v1/partnerships", params={"cursor": forged}), 400)

    async def test_no_token_is_401_with_a_bearer_challenge(self, client: httpx.AsyncClient):
        response = await client.get("/v1/partnerships")
        assert_problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")

    async def test_a_missing_scope_is_403(self, admin: Api):
        reader = await org_api(admin, ["registry:read"])
        assert_problem(
            await reader.post("/v1/organisations", json={"name": "x", "classification": "vcse"}),
            403,
        )

    async def test_an_unknown_id_is_404(self, admin: Api):
        body = assert_problem(
            await admin.get("/v1/partnerships/018f0000-0000-7000-8000-000000000000"), 404
        )
        assert body["type"] == "/problems/partnership-not-found"

    async def test_a_malformed_id_is_422(self, admin: Api):
        assert_problem(await admin.get("/v1/partnerships/not-a-uuid"), 422)

    async def test_an_unknown_path_is_404(self, admin: Api):
        assert_problem(await admin.get("/v1/nothing-here"), 404)

    async def test_a_wrong_method_is_405(self, admin: Api):
        assert_problem(await admin.put("/v1/partnerships", json={}), 405)

    async def test_a_405_lists_every_method_of_the_path(self, admin: Api):
        p = await partnership(admin)
        response = await admin.client.request(
            "OPTIONS", f"/v1/partnerships/{p['id']}", headers=admin.headers()
        )
        assert_problem(response, 405)
        assert response.headers["allow"] == "DELETE, GET, PATCH"

    async def test_a_feed_cursor_too_large_for_a_bigint_is_422_not_500(self, admin: Api):
        # Found by schemathesis: 20 digits overflowed the database integer.
        assert_problem(
            await admin.get("/v1/changes", params={"after": "77948045598659002361"}), 422
        )

    async def test_a_duplicate_gss_code_is_409(self, admin: Api):
        body = {
            "gss_code": "E23000004",
            "name": "Merseyside again",
            "classification": "police_force_area",
        }
        assert_problem(await admin.post("/v1/areas", json=body), 409)

    async def test_a_stale_if_match_is_412(self, admin: Api):
        p = await partnership(admin)
        response = await admin.patch(
            f"/v1/partnerships/{p['id']}", json={"name": "n"}, headers={"If-Match": '"stale"'}
        )
        assert_problem(response, 412)
        assert (await admin.get(f"/v1/partnerships/{p['id']}")).json()["name"] == p["name"]

    # Found by schemathesis (tests/test_schemathesis.py), each a 500 before its fix.
    async def test_a_url_longer_than_its_column_is_422(self, admin: Api):
        url = "https://" + "a" * 63 + "." + ".".join(["b" * 63] * 8) + ".example/"
        body = assert_problem(
            await admin.post(
                "/v1/organisations",
                json={"name": "Long URL Trust", "classification": "vcse", "website": url},
            ),
            422,
        )
        assert body["errors"][0]["loc"] == ["body", "website"]

    async def test_a_required_list_cannot_be_cleared_with_null(self, admin: Api):
        p = await partnership(admin)
        body = assert_problem(
            await admin.patch(f"/v1/partnerships/{p['id']}", json={"themes": None}), 422
        )
        assert body["errors"][0]["type"] == "not_null"
        assert (await admin.get(f"/v1/partnerships/{p['id']}")).status_code == 200

    async def test_control_characters_do_not_break_the_spreadsheet_export(self, admin: Api):
        # Controls, and the two non-characters XML refuses that openpyxl lets through.
        for name in ("Bell\u0007 Housing", "Noncharacter\ufffe Trust", "Edge\uffff Trust"):
            await admin.created("/v1/organisations", {"name": name, "classification": "vcse"})
        response = await admin.get("/v1/export")
        assert response.status_code == 200, response.text
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        names = [row[1] for row in book["organisations"].iter_rows(values_only=True)]
        assert "Bell\ufffd Housing" in names
        assert "Noncharacter\ufffd Trust" in names and "Edge\ufffd Trust" in names

    async def test_nul_in_a_query_or_path_is_422_not_500(self, admin: Api):
        for path, params in (
            ("/v1/partnerships", {"area": "E23\x00", "type": "csp"}),
            ("/v1/export/popolo", {"area": "\x00"}),
            ("/v1/partnerships/a%00b", {}),
        ):
            body = assert_problem(await admin.get(path, params=params), 422)
            assert body["errors"][0]["type"] == "string_nul", body

    async def test_a_meeting_in_the_year_one_does_not_break_the_export(self, admin: Api):
        # A 500 (no UK local time for that instant) until found by the long schemathesis run.
        p = await partnership(admin)
        await admin.created(
            f"/v1/partnerships/{p['id']}/meetings",
            {"start": "0001-01-01T00:00:00Z", "end": "0001-01-01T02:00:00Z"},
        )
        response = await admin.get("/v1/export")
        assert response.status_code == 200, response.text
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        values = [v for row in book["meetings"].iter_rows(values_only=True) for v in row]
        assert "0001-01-01T00:00:00+00:00" in values

    async def test_text_is_trimmed_and_blank_text_refused(self, admin: Api):
        created = await admin.created(
            "/v1/organisations", {"name": "  Trimmed Trust\n", "classification": "vcse"}
        )
        assert created["name"] == "Trimmed Trust"
        body = assert_problem(
            await admin.post(
                "/v1/organisations", json={"name": " \u00a0", "classification": "vcse"}
            ),
            422,
        )
        assert body["errors"][0]["type"] == "string_blank"

    async def test_a_body_over_the_limit_is_413(self, admin: Api):
        huge = {"name": "x", "type": "csp", "description": "y" * 2_000_000}
        assert_problem(await admin.post("/v1/partnerships", json=huge), 413)

    async def test_a_body_that_is_not_json_is_415(self, admin: Api):
        response = await admin.post(
            "/v1/partnerships", content=b"name=x", headers={"Content-Type": "text/plain"}
        )
        assert_problem(response, 415)

    async def test_invalid_json_is_422(self, admin: Api):
        response = await admin.post(
            "/v1/partnerships", content=b"{nope", headers={"Content-Type": "application/json"}
        )
        assert_problem(response, 422)

    async def test_an_unknown_field_is_refused_not_ignored(self, admin: Api):
        body = assert_problem(
            await admin.post(
                "/v1/partnerships", json={"name": "x", "type": "csp", "managed_by_id": "x"}
            ),
            422,
        )
        assert any(e["loc"][-1] == "managed_by_id" for e in body["errors"])

    async def test_a_value_outside_the_vocabulary_is_422_naming_the_field(self, admin: Api):
        body = assert_problem(
            await admin.post("/v1/partnerships", json={"name": "x", "type": "book_club"}), 422
        )
        assert body["errors"][0]["loc"] == ["body", "type"]

    async def test_a_limit_over_the_maximum_is_422(self, admin: Api):
        assert_problem(await admin.get("/v1/partnerships", params={"limit": 10_000}), 422)

    async def test_a_duplicate_while_the_first_is_in_flight_is_409_on_postgresql(
        self, admin: Api, settings: RegistrySettings
    ):
        """The first request holds its key's lock until it commits; here another connection
        holds it, as a request still in flight would. (On SQLite writers queue instead: the
        duplicate waits for the first to commit and replays it; see the concurrency test.)"""
        body = b'{"name":"in flight","type":"csp"}'
        headers = {"Idempotency-Key": "in-flight-1", "Content-Type": "application/json"}
        if not settings.database_url.startswith("postgresql"):
            response = await admin.post("/v1/partnerships", content=body, headers=headers)
            assert response.status_code == 201  # SQLite: no second writer can be in flight
            return
        pending = Pending(IdempotencyKey, "test-admin", "in-flight-1", "unused")
        dsn = settings.database_url.replace("postgresql+asyncpg://", "postgresql://")
        holder = await asyncpg.connect(dsn)
        try:
            await holder.execute("SELECT pg_advisory_lock($1, $2)", LOCK_CLASS, _lock_id(pending))
            response = await admin.post("/v1/partnerships", content=body, headers=headers)
        finally:
            await holder.close()
        assert_problem(response, 409)
        assert response.headers["retry-after"] == "1"
        retried = await admin.post("/v1/partnerships", content=body, headers=headers)
        assert retried.status_code == 201  # once the first is done, the key is free

    async def test_the_problem_type_is_explained(self, client: httpx.AsyncClient):
        page = await client.get("/problems/precondition-failed")
        assert page.status_code == 200 and "If-Match" in page.text


class TestRateLimit:
    async def test_a_client_over_its_rate_gets_429_with_retry_after(
        self, settings: RegistrySettings, admin: Api
    ):
        limited = settings.model_copy(update={"rate_limit_per_minute": 3})
        async with testing.running(create_app(limited)) as client:
            headers = {"Authorization": f"Bearer {admin.token}"}
            statuses = [
                (await client.get("/v1/areas", headers=headers)).status_code for _ in range(5)
            ]
            assert statuses[:3] == [200, 200, 200]
            last = await client.get("/v1/areas", headers=headers)
            assert_problem(last, 429)
            assert int(last.headers["retry-after"]) >= 1


def _forge(claims: dict, key: OKPKey | None = None, alg: str = "Ed25519") -> str:
    key = key or OKPKey.generate_key("Ed25519")
    return jwt.encode({"alg": alg, "kid": "x"}, claims, key, algorithms=[alg])


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


class TestBadTokens:
    def claims(self, **overrides: object) -> dict:
        now = int(time.time())
        return {
            "iss": "http://testserver",
            "sub": "someone",
            "aud": ["convenor-registry"],
            "iat": now,
            "nbf": now,
            "exp": now + 600,
            "scope": "admin",
        } | overrides

    @pytest.mark.parametrize(
        "case",
        [
            "tampered",
            "expired",
            "not_yet_valid",
            "alg_none",
            "wrong_key",
            "wrong_audience",
            "garbage",
        ],
    )
    async def test_is_refused_with_401(self, case: str, client: httpx.AsyncClient, admin: Api):
        token = admin.token
        header, payload, signature = token.split(".")
        real = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        if case == "tampered":
            token = ".".join([header, _b64(real | {"scope": "admin registry:write"}), signature])
        elif case == "expired":
            token = ".".join([header, _b64(real | {"exp": int(time.time()) - 3600}), signature])
        elif case == "not_yet_valid":
            token = _forge(self.claims(nbf=int(time.time()) + 3600))
        elif case == "alg_none":
            token = ".".join([_b64({"alg": "none", "typ": "JWT"}), _b64(real), ""])
        elif case == "wrong_key":
            token = _forge(self.claims())
        elif case == "wrong_audience":
            token = ".".join([header, _b64(real | {"aud": ["somewhere-else"]}), signature])
        else:
            token = "abc.def"
        response = await client.get("/v1/areas", headers={"Authorization": f"Bearer {token}"})
        assert_problem(response, 401)

    async def test_a_revoked_clients_token_stops_working_at_once(self, admin: Api):
        partner = await org_api(admin, ["registry:read"])
        assert (await partner.get("/v1/areas")).status_code == 200
        claims = json.loads(base64.urlsafe_b64decode(partner.token.split(".")[1] + "=="))
        org_id, client_id = claims["org"], claims["sub"]
        assert (
            await admin.delete(f"/v1/organisations/{org_id}/clients/{client_id}")
        ).status_code == 204
        assert_problem(await partner.get("/v1/areas"), 401)


class TestHealth:
    async def test_liveness_readiness_and_metrics(self, client: httpx.AsyncClient):
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ok"
        metrics = await client.get("/metrics")
        assert "convenor_http_requests_total" in metrics.text

    async def test_the_request_id_is_echoed_or_made(self, client: httpx.AsyncClient):
        echoed = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
        assert echoed.headers["x-request-id"] == "abc-123"
        made = await client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
        assert (
            made.headers["x-request-id"] != "bad id with spaces"
            and len(made.headers["x-request-id"]) == 32
        )
