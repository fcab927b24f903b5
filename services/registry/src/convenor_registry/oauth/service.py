"""The client-credentials grant: authenticate the client, decide the scopes and audiences,
sign an RFC 9068 access token.

Errors here follow RFC 6749 section 5.2 (``{"error", "error_description"}``), not RFC 9457,
because that is what every OAuth client library expects from a token endpoint.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry, extract_compact
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.models import ApiClient, Organisation, UsedAssertion
from convenor_registry.oauth.keys import SIGNING_ALG, SigningKeys
from convenor_registry.oauth.secrets import verify_secret
from convenor_shared.auth import SCOPES
from convenor_shared.db import utcnow
from convenor_shared.settings import ALL_AUDIENCES

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_ALGORITHMS = ["Ed25519", "EdDSA", "ES256", "RS256", "PS256"]
MAX_ASSERTION_LIFETIME = timedelta(minutes=10)


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass
class TokenRequest:
    grant_type: str | None
    scope: str | None
    resources: list[str]
    authorization: str | None
    client_id: str | None
    client_secret: str | None
    client_assertion_type: str | None
    client_assertion: str | None


def _basic_credentials(header: str) -> tuple[str, str]:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        raise OAuthError("invalid_client", "Use HTTP Basic client authentication.", 401)
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise OAuthError("invalid_client", "Malformed Basic credentials.", 401) from exc
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise OAuthError("invalid_client", "Malformed Basic credentials.", 401)
    # RFC 6749 2.3.1: both parts are form-urlencoded before Basic encoding.
    return unquote(client_id), unquote(secret)


async def _client(session: AsyncSession, client_id: str) -> ApiClient:
    client = (
        await session.execute(select(ApiClient).where(ApiClient.client_id == client_id))
    ).scalar_one_or_none()
    if client is None or client.revoked_at is not None:
        raise OAuthError("invalid_client", "Unknown or revoked client.", 401)
    return client


async def authenticate_client(
    session: AsyncSession, request: TokenRequest, token_endpoint: str, issuer: str
) -> ApiClient:
    if request.client_assertion is not None or request.client_assertion_type is not None:
        return await _authenticate_assertion(session, request, token_endpoint, issuer)
    if request.authorization:
        client_id, secret = _basic_credentials(request.authorization)
    elif request.client_id and request.client_secret:
        raise OAuthError(
            "invalid_client",
            "This server accepts client_secret_basic, not client_secret_post.",
            401,
        )
    else:
        raise OAuthError("invalid_client", "No client authentication was sent.", 401)
    client = await _client(session, client_id)
    if client.auth_method != "client_secret_basic" or not verify_secret(secret, client.secret_hash):
        raise OAuthError("invalid_client", "Client authentication failed.", 401)
    return client


async def _authenticate_assertion(
    session: AsyncSession, request: TokenRequest, token_endpoint: str, issuer: str
) -> ApiClient:
    if request.client_assertion_type != ASSERTION_TYPE or not request.client_assertion:
        raise OAuthError("invalid_client", f"client_assertion_type must be {ASSERTION_TYPE}.", 401)
    assertion = request.client_assertion
    try:
        # Read the claims unverified only to learn which client's keys to verify with.
        claims = json.loads(extract_compact(assertion.encode()).payload)
    except (JoseError, ValueError, TypeError) as exc:
        raise OAuthError("invalid_client", "The client assertion is not a JWT.", 401) from exc
    if not isinstance(claims, dict):
        raise OAuthError("invalid_client", "The client assertion is not a JWT.", 401)
    client_id = claims.get("iss")
    if not isinstance(client_id, str) or claims.get("sub") != client_id:
        raise OAuthError(
            "invalid_client", "The assertion's iss and sub must be the client id.", 401
        )
    if request.client_id and request.client_id != client_id:
        raise OAuthError("invalid_client", "client_id does not match the assertion.", 401)
    client = await _client(session, client_id)
    if client.auth_method != "private_key_jwt" or not client.jwks:
        raise OAuthError("invalid_client", "This client does not use private_key_jwt.", 401)
    try:
        keys = KeySet.import_key_set(client.jwks)  # type: ignore[arg-type]
        verified = jwt.decode(
            assertion,
            keys,
            algorithms=ASSERTION_ALGORITHMS,
            registry=JWSRegistry(algorithms=ASSERTION_ALGORITHMS),
        )
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise OAuthError(
            "invalid_client", "The client assertion's signature does not verify.", 401
        ) from exc
    claims = verified.claims
    audiences = claims.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else audiences or []
    if token_endpoint not in audiences and issuer not in audiences:
        raise OAuthError("invalid_client", "The assertion's aud must be the token endpoint.", 401)
    now = int(time.time())
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp < now - 30:
        raise OAuthError("invalid_client", "The client assertion has expired.", 401)
    if exp > now + MAX_ASSERTION_LIFETIME.total_seconds():
        raise OAuthError("invalid_client", "The client assertion lives too long.", 401)
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > 255:
        raise OAuthError("invalid_client", "The client assertion needs a jti.", 401)
    await _remember_assertion(session, client.client_id, jti, exp)
    return client


async def _remember_assertion(session: AsyncSession, client_id: str, jti: str, exp: int) -> None:
    now = utcnow()
    await session.execute(delete(UsedAssertion).where(UsedAssertion.expires_at < now))
    values = {"jti": jti, "client_id": client_id, "expires_at": datetime.fromtimestamp(exp, UTC)}
    dialect = session.get_bind().dialect.name
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(UsedAssertion)
    result = await session.execute(
        statement.values(**values).on_conflict_do_nothing().returning(UsedAssertion.jti)
    )
    if result.scalar_one_or_none() is None:
        raise OAuthError("invalid_client", "This client assertion was already used.", 401)


def grant(client: ApiClient, request: TokenRequest) -> tuple[list[str], list[str]]:
    """The scopes and audiences the token will carry."""
    if request.grant_type != "client_credentials":
        raise OAuthError("unsupported_grant_type", "Only client_credentials is supported.")
    allowed = set(client.scopes)
    if "admin" in allowed:
        allowed = set(SCOPES)
    if request.scope is None or not request.scope.strip():
        scopes = sorted(set(client.scopes))
    else:
        asked = set(request.scope.split())
        unknown = asked - set(SCOPES)
        if unknown:
            raise OAuthError("invalid_scope", f"Unknown scope: {', '.join(sorted(unknown))}.")
        if not asked <= allowed:
            raise OAuthError(
                "invalid_scope", "The client may not have: " + ", ".join(sorted(asked - allowed))
            )
        scopes = sorted(asked)
    audiences = list(ALL_AUDIENCES)
    if request.resources:
        unknown_targets = [r for r in request.resources if r not in ALL_AUDIENCES]
        if unknown_targets:
            raise OAuthError("invalid_target", f"Unknown resource: {unknown_targets[0]}.")
        audiences = [a for a in ALL_AUDIENCES if a in request.resources]
    return scopes, audiences


async def issue_token(
    session: AsyncSession,
    client: ApiClient,
    scopes: list[str],
    audiences: list[str],
    *,
    issuer: str,
    keys: SigningKeys,
    lifetime: int,
) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": client.client_id,
        "client_id": client.client_id,
        "aud": audiences,
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "jti": secrets.token_urlsafe(16),
        "scope": " ".join(scopes),
    }
    if client.organisation_id is not None:
        organisation = await session.get(Organisation, client.organisation_id)
        claims["org"] = str(client.organisation_id)
        if organisation is not None:
            claims["org_kind"] = organisation.classification
    key = keys.signing_key
    token = jwt.encode(
        {"alg": SIGNING_ALG, "kid": key.kid, "typ": "at+jwt"},
        claims,
        key,
        algorithms=[SIGNING_ALG],
    )
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": " ".join(scopes),
    }
