"""Bearer-token verification: who is calling, for which organisation, with which scopes.

Tokens are RFC 9068 JWT access tokens from the registry (or any OIDC provider set as issuer).
:class:`TokenVerifier` checks the signature against the issuer's keys, the algorithm against an
allow-list (never ``none``), ``iss``, ``aud``, ``exp`` and ``nbf``. A verified token is cached
until it expires, so a client reusing its token pays for the signature check once.
"""

from __future__ import annotations

import time
import uuid
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jws import JWSRegistry, extract_compact

from convenor_shared.jwks import KeySource
from convenor_shared.problems import InsufficientScope, Unauthorized

SCOPES = (
    "registry:read",
    "registry:write",
    "gateway:request",
    "gateway:respond",
    "gateway:audit",
    "gateway:feed",
    "analytics:read",
    "admin",
)
MAX_TOKEN_LENGTH = 8192
# Per-request values live in the ASGI scope: ``request.state`` may be shared lifespan state.
CALLER_KEY = "convenor.caller"

# RFC 9864 deprecates "EdDSA" in favour of "Ed25519"; tokens from other issuers may still use it.
warnings.filterwarnings("ignore", message="EdDSA is deprecated", module="joserfc")


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated client behind a request."""

    client_id: str
    organisation_id: uuid.UUID | None
    org_kind: str | None
    scopes: frozenset[str]
    token_id: str | None = None
    expires_at: int = 0

    @property
    def is_admin(self) -> bool:
        return "admin" in self.scopes

    def has(self, scope: str) -> bool:
        """``admin`` implies every other scope."""
        return self.is_admin or scope in self.scopes


class TokenVerifier:
    """Verifies access tokens for one audience."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        keys: KeySource,
        algorithms: Iterable[str],
        leeway: int = 30,
        cache_size: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self._keys = keys
        self._algorithms = [a for a in algorithms if a.lower() != "none"]
        self._registry = JWSRegistry(algorithms=self._algorithms)
        self._leeway = leeway
        self._cache: OrderedDict[str, Caller] = OrderedDict()
        self._cache_size = cache_size
        self._clock = clock

    def forget(self) -> None:
        """Drop cached verifications (after a client is revoked, for instance)."""
        self._cache.clear()

    async def verify(self, token: str) -> Caller:
        now = int(self._clock())
        cached = self._cache.get(token)
        if cached is not None:
            if cached.expires_at + self._leeway > now:
                self._cache.move_to_end(token)
                return cached
            del self._cache[token]
        caller = await self._verify(token, now)
        self._cache[token] = caller
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return caller

    async def _verify(self, token: str, now: int) -> Caller:
        if len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
            raise Unauthorized("The token is not a signed JWT.")
        try:
            header = extract_compact(token.encode()).protected
        except (JoseError, ValueError, TypeError) as exc:
            raise Unauthorized("The token is not a signed JWT.") from exc
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self._algorithms:
            raise Unauthorized("The token's signing algorithm is not accepted.")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise Unauthorized("The token's key id is malformed.")
        keyset = await self._keys.keys(kid)
        try:
            decoded = jwt.decode(
                token, keyset, algorithms=self._algorithms, registry=self._registry
            )
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise Unauthorized("The token's signature does not verify.") from exc
        return self._caller(decoded.claims, now)

    def _caller(self, claims: dict[str, Any], now: int) -> Caller:
        if str(claims.get("iss", "")).rstrip("/") != self.issuer:
            raise Unauthorized("The token was issued by another issuer.")
        aud = claims.get("aud")
        audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
        if self.audience not in audiences:
            raise Unauthorized("The token is not meant for this service.")
        exp, nbf, iat = claims.get("exp"), claims.get("nbf"), claims.get("iat")
        if not isinstance(exp, int) or exp + self._leeway <= now:
            raise Unauthorized("The token has expired.")
        for name, value in (("nbf", nbf), ("iat", iat)):
            if value is not None and (not isinstance(value, int) or value - self._leeway > now):
                raise Unauthorized(f"The token is not valid yet ({name} is in the future).")
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise Unauthorized("The token names no subject.")
        scope = claims.get("scope", "")
        if not isinstance(scope, str):
            raise Unauthorized("The token's scope claim is malformed.")
        org = claims.get("org")
        try:
            organisation_id = uuid.UUID(org) if org else None
        except (ValueError, TypeError, AttributeError) as exc:
            raise Unauthorized("The token's org claim is malformed.") from exc
        org_kind = claims.get("org_kind")
        jti = claims.get("jti")
        return Caller(
            client_id=str(claims.get("client_id", sub)),
            organisation_id=organisation_id,
            org_kind=org_kind if isinstance(org_kind, str) else None,
            scopes=frozenset(scope.split()),
            token_id=jti if isinstance(jti, str) else None,
            expires_at=exp,
        )


bearer_scheme = HTTPBearer(auto_error=False, description="An access token from the registry")


async def authenticate(request: Request, token: str | None = None) -> Caller:
    """The caller of ``request``, verified once and remembered in the request's scope."""
    caller = request.scope.get(CALLER_KEY)
    if isinstance(caller, Caller):
        return caller
    if token is None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Send an access token as 'Authorization: Bearer <token>'.")
        token = token.strip()
    verifier: TokenVerifier = request.app.state.verifier
    caller = await verifier.verify(token)
    revoked = getattr(request.app.state, "is_revoked", None)
    if revoked is not None and await revoked(caller):
        raise Unauthorized("The client behind this token has been revoked.")
    request.scope[CALLER_KEY] = caller
    return caller


def require(scope: str) -> Any:
    """A dependency that authenticates the caller and insists on ``scope``."""

    async def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    ) -> Caller:
        caller = await authenticate(request, credentials.credentials if credentials else None)
        if not caller.has(scope):
            raise InsufficientScope(f"This operation needs the '{scope}' scope.")
        return caller

    dependency.__name__ = f"require_{scope.replace(':', '_')}"
    return Depends(dependency)
