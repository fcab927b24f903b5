"""The token issuer: client credentials in, RFC 9068 access tokens out."""

from __future__ import annotations

import base64
import json
import time

import httpx
from joserfc import jwt
from joserfc.jwk import OKPKey

from .conftest import BOOTSTRAP_ID, BOOTSTRAP_SECRET
from .factories import Api, basic, org_api, organisation, token_for


def claims_of(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class TestClientSecretBasic:
    async def test_a_client_gets_a_signed_token_with_its_scopes_and_organisation(self, admin: Api):
        partner = await org_api(admin, ["registry:read", "gateway:request"])
        claims = claims_of(partner.token)
        assert claims["org"] == partner.org["id"]
        assert claims["org_kind"] == "local_authority"
        assert set(claims["scope"].split()) == {"registry:read", "gateway:request"}
        assert claims["aud"] == ["convenor-registry", "convenor-gateway", "convenor-analytics"]
        assert claims["exp"] - claims["iat"] == 900

    async def test_the_token_verifies_against_the_published_jwks(self, client: httpx.AsyncClient):
        token = await token_for(client, BOOTSTRAP_ID, BOOTSTRAP_SECRET)
        jwks = (await client.get("/oauth/jwks.json")).json()
        from joserfc.jwk import KeySet

        decoded = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["Ed25519"])
        assert decoded.header["typ"] == "at+jwt"
        assert decoded.claims["sub"] == BOOTSTRAP_ID

    async def test_a_client_may_ask_for_fewer_scopes_and_audiences(self, client: httpx.AsyncClient):
        token = await token_for(
            client,
            BOOTSTRAP_ID,
            BOOTSTRAP_SECRET,
            scope="registry:read",
            resource="convenor-gateway",
        )
        claims = claims_of(token)
        assert claims["scope"] == "registry:read"
        assert claims["aud"] == ["convenor-gateway"]

    async def test_a_wrong_secret_is_invalid_client(self, client: httpx.AsyncClient):
        response = await client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            headers=basic(BOOTSTRAP_ID, "nope"),
        )
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        assert response.headers["cache-control"] == "no-store"

    async def test_a_scope_the_client_lacks_is_invalid_scope(self, admin: Api):
        partner = await org_api(admin, ["registry:read"])
        org_id = partner.org["id"]
        created = await admin.created(
            f"/v1/organisations/{org_id}/clients", {"name": "reader", "scopes": ["registry:read"]}
        )
        response = await admin.client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "scope": "registry:write"},
            headers=basic(created["client_id"], created["client_secret"]),
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_scope"

    async def test_another_grant_type_is_unsupported(self, client: httpx.AsyncClient):
        response = await client.post(
            "/oauth/token",
            data={"grant_type": "password"},
            headers=basic(BOOTSTRAP_ID, BOOTSTRAP_SECRET),
        )
        assert response.status_code == 400
        assert response.json()["error"] == "unsupported_grant_type"

    async def test_a_json_body_is_refused(self, client: httpx.AsyncClient):
        response = await client.post(
            "/oauth/token",
            json={"grant_type": "client_credentials"},
            headers=basic(BOOTSTRAP_ID, BOOTSTRAP_SECRET),
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"


class TestPrivateKeyJwt:
    async def _client(self, admin: Api) -> tuple[str, OKPKey]:
        org = await organisation(admin)
        key = OKPKey.generate_key("Ed25519")
        key.ensure_kid()
        public = key.as_dict(private=False) | {"kid": key.kid}
        created = await admin.created(
            f"/v1/organisations/{org['id']}/clients",
            {
                "name": "system",
                "scopes": ["registry:read"],
                "auth_method": "private_key_jwt",
                "jwks": {"keys": [public]},
            },
        )
        assert created["client_secret"] is None
        return created["client_id"], key

    def _assertion(self, client_id: str, key: OKPKey, jti: str, **claims: object) -> str:
        now = int(time.time())
        body = {
            "iss": client_id,
            "sub": client_id,
            "aud": "http://testserver/oauth/token",
            "iat": now,
            "exp": now + 60,
            "jti": jti,
        } | claims
        return jwt.encode({"alg": "Ed25519", "kid": key.kid}, body, key, algorithms=["Ed25519"])

    async def _token(self, client: httpx.AsyncClient, assertion: str) -> httpx.Response:
        return await client.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion,
            },
        )

    async def test_a_signed_assertion_gets_a_token(self, admin: Api):
        client_id, key = await self._client(admin)
        response = await self._token(admin.client, self._assertion(client_id, key, "a1"))
        assert response.status_code == 200, response.text
        assert claims_of(response.json()["access_token"])["sub"] == client_id

    async def test_an_assertion_cannot_be_replayed(self, admin: Api):
        client_id, key = await self._client(admin)
        assertion = self._assertion(client_id, key, "once")
        assert (await self._token(admin.client, assertion)).status_code == 200
        again = await self._token(admin.client, assertion)
        assert again.status_code == 401
        assert "already used" in again.json()["error_description"]

    async def test_an_assertion_signed_by_another_key_is_refused(self, admin: Api):
        client_id, _ = await self._client(admin)
        stranger = OKPKey.generate_key("Ed25519")
        stranger.ensure_kid()
        response = await self._token(admin.client, self._assertion(client_id, stranger, "x"))
        assert response.status_code == 401

    async def test_an_assertion_for_another_audience_is_refused(self, admin: Api):
        client_id, key = await self._client(admin)
        assertion = self._assertion(client_id, key, "aud", aud="https://elsewhere.example/token")
        assert (await self._token(admin.client, assertion)).status_code == 401


class TestMetadata:
    async def test_the_server_metadata_names_the_endpoints(self, client: httpx.AsyncClient):
        metadata = (await client.get("/.well-known/oauth-authorization-server")).json()
        assert metadata["issuer"] == "http://testserver"
        assert metadata["token_endpoint"] == "http://testserver/oauth/token"
        assert "private_key_jwt" in metadata["token_endpoint_auth_methods_supported"]
