"""Every client mistake is a problem+json with the right status, never a 500."""

from __future__ import annotations

import uuid

import httpx

from .factories import asb_request, partner

PROBLEM = "application/problem+json"


def is_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["type"].startswith("/problems/")


class TestClientMistakes:
    async def test_no_token_is_401(self, client):
        is_problem(await client.get("/v1/requests"), 401)

    async def test_no_token_is_401_before_the_idempotency_key_is_looked_at(self, client):
        is_problem(await client.post("/v1/requests", json={}), 401)
        is_problem(
            await client.post("/v1/requests", json={}, headers={"Idempotency-Key": " "}), 401
        )

    async def test_a_forged_token_is_401(self, client):
        response = await client.get("/v1/requests", headers={"Authorization": "Bearer a.b.c"})
        is_problem(response, 401)

    async def test_unknown_fields_are_422(self, client, registry, issuer):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        response = await opcc.post("/v1/requests", json=asb_request(council, colour="blue"))
        is_problem(response, 422)

    async def test_inconsistent_items_are_422(self, client, registry, issuer):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        items = [{"name": "name", "category": "personal"}]
        body = asb_request(council, data_items=items, identifiability="aggregate")
        is_problem(await opcc.post("/v1/requests", json=body), 422)

    async def test_asking_yourself_is_422(self, client, registry, issuer):
        opcc = partner(client, registry, issuer, "local_policing_body")
        is_problem(await opcc.post("/v1/requests", json=asb_request(opcc)), 422)

    async def test_a_client_without_an_organisation_cannot_raise_a_request(
        self, client, registry, issuer
    ):
        council = partner(client, registry, issuer, "local_authority")
        token = issuer.token(["gateway:request"], client_id="orphan")
        response = await client.post(
            "/v1/requests",
            json=asb_request(council),
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "orphan-1"},
        )
        is_problem(response, 403)

    async def test_a_body_that_is_not_json_is_415_or_422(self, client, registry, issuer):
        opcc = partner(client, registry, issuer, "local_policing_body")
        is_problem(
            await opcc.post(
                "/v1/requests", content=b"purpose=x", headers={"Content-Type": "text/plain"}
            ),
            415,
        )
        is_problem(
            await opcc.post(
                "/v1/requests", content=b"{not json", headers={"Content-Type": "application/json"}
            ),
            422,
        )

    async def test_an_oversized_body_is_413(self, client, registry, issuer):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        body = asb_request(council, justification="x" * 2_000_000)
        is_problem(await opcc.post("/v1/requests", json=body), 413)

    async def test_bad_paths_queries_and_cursors(self, client, registry, issuer):
        opcc = partner(client, registry, issuer, "local_policing_body")
        is_problem(await opcc.get("/v1/requests/not-a-uuid"), 422)
        is_problem(await opcc.get(f"/v1/requests/{uuid.uuid4()}"), 404)
        is_problem(await opcc.get("/v1/requests", params={"limit": 100_000}), 422)
        is_problem(await opcc.get("/v1/requests", params={"cursor": "!!"}), 400)
        is_problem(await opcc.get("/v1/requests", params={"status": "pending"}), 422)
        is_problem(await opcc.get("/v1/nothing-here"), 404)
        # Beyond a BIGINT: a 500 from the database driver until found by schemathesis.
        huge = 2**70
        is_problem(await opcc.get(f"/v1/audit/checkpoints/{huge}"), 422)

    async def test_an_unknown_target_state_is_422(self, client, registry, issuer):
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/requests", asb_request(council))
        is_problem(await opcc.move(created["id"], "teleported"), 422)
        is_problem(await opcc.move(created["id"], "delivered"), 409)
