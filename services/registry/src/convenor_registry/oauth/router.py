"""The token endpoint, the JWKS and the authorization server metadata (RFC 8414)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from convenor_registry.clients import service as clients_service
from convenor_registry.oauth import service as oauth_service
from convenor_registry.oauth.keys import SIGNING_ALG
from convenor_registry.oauth.service import OAuthError, TokenRequest
from convenor_shared.auth import SCOPES
from convenor_shared.routing import SessionDep, TransactionalRoute

router = APIRouter(tags=["oauth"], route_class=TransactionalRoute)
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
FORM = "application/x-www-form-urlencoded"


def _issuer(request: Request) -> str:
    return str(request.app.state.settings.issuer_url).rstrip("/")


@router.post(
    "/oauth/token",
    operation_id="oauth_token",
    openapi_extra={
        "x-idempotency-key": "none",
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "required": ["grant_type"],
                        "properties": {
                            "grant_type": {"type": "string", "enum": ["client_credentials"]},
                            "scope": {"type": "string"},
                            "resource": {"type": "string"},
                            "client_assertion_type": {"type": "string"},
                            "client_assertion": {"type": "string"},
                        },
                    }
                }
            },
        },
    },
    responses={
        200: {"description": "An access token"},
        400: {"description": "RFC 6749 error"},
        401: {"description": "Client authentication failed (RFC 6749 invalid_client)"},
    },
)
async def token(request: Request, session: SessionDep) -> JSONResponse:
    """The client-credentials grant (client_secret_basic or private_key_jwt)."""
    try:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != FORM:
            raise OAuthError("invalid_request", f"Send the token request as {FORM}.")
        form = await request.form(max_files=0, max_fields=20)
        values = {key: value for key, value in form.multi_items() if isinstance(value, str)}
        token_request = TokenRequest(
            grant_type=values.get("grant_type"),
            scope=values.get("scope"),
            resources=[v for k, v in form.multi_items() if k == "resource" and isinstance(v, str)],
            authorization=request.headers.get("authorization"),
            client_id=values.get("client_id"),
            client_secret=values.get("client_secret"),
            client_assertion_type=values.get("client_assertion_type"),
            client_assertion=values.get("client_assertion"),
        )
        issuer = _issuer(request)
        client = await oauth_service.authenticate_client(
            session, token_request, issuer + "/oauth/token", issuer
        )
        scopes, audiences = oauth_service.grant(client, token_request)
        settings = request.app.state.settings
        body = await oauth_service.issue_token(
            session,
            client,
            scopes,
            audiences,
            issuer=issuer,
            keys=request.app.state.signing_keys,
            lifetime=settings.token_lifetime_seconds,
        )
    except OAuthError as error:
        headers = dict(NO_STORE)
        if error.status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="convenor"'
        return JSONResponse(
            {"error": error.error, "error_description": error.description},
            status_code=error.status,
            headers=headers,
        )
    return JSONResponse(body, headers=NO_STORE)


@router.get("/oauth/jwks.json", operation_id="oauth_jwks")
async def jwks(request: Request) -> JSONResponse:
    """The public keys that verify access tokens."""
    return JSONResponse(
        request.app.state.signing_keys.public_jwks(),
        headers={"Cache-Control": "public, max-age=300"},
    )


@router.get("/oauth/revocations", operation_id="oauth_revocations")
async def revocations(request: Request, session: SessionDep) -> JSONResponse:
    """Clients revoked recently enough that their tokens may still be unexpired. Other
    services poll this so that a revoked client is refused everywhere, not only here."""
    settings = request.app.state.settings
    horizon = settings.token_lifetime_seconds + settings.token_leeway_seconds + 60
    revoked = await clients_service.revoked_since(session, horizon)
    return JSONResponse(
        {"revoked": [{"client_id": c, "revoked_at": at.isoformat()} for c, at in revoked]},
        headers={"Cache-Control": "public, max-age=10"},
    )


@router.get("/.well-known/oauth-authorization-server", operation_id="oauth_metadata")
async def metadata(request: Request) -> dict[str, object]:
    """Authorization server metadata (RFC 8414)."""
    issuer = _issuer(request)
    return {
        "issuer": issuer,
        "token_endpoint": issuer + "/oauth/token",
        "jwks_uri": issuer + "/oauth/jwks.json",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": oauth_service.ASSERTION_ALGORITHMS,
        "scopes_supported": list(SCOPES),
        "response_types_supported": [],
        "access_token_signing_alg_values_supported": [SIGNING_ALG],
    }
