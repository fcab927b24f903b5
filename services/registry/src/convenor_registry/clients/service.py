"""API clients of organisations, and the bootstrap admin client of a development install."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.clients.schemas import ClientCreate
from convenor_registry.models import ApiClient, Organisation
from convenor_registry.oauth.secrets import hash_secret, new_client_id, new_secret, verify_secret
from convenor_shared.auth import Caller
from convenor_shared.db import new_id, utcnow
from convenor_shared.problems import Forbidden, NotFound, RuleBroken

log = logging.getLogger("convenor.registry.clients")


class ClientNotFound(NotFound):
    """There is no such client for this organisation."""

    slug = "client-not-found"


def _check_grantable(caller: Caller | None, organisation_id: uuid.UUID, scopes: list[str]) -> None:
    """An admin may grant anything; an organisation may give its own clients only what it has."""
    if caller is None or caller.is_admin:
        return
    if caller.organisation_id != organisation_id:
        raise Forbidden("Only an administrator may create clients for another organisation.")
    beyond = [scope for scope in scopes if scope == "admin" or scope not in caller.scopes]
    if beyond:
        raise Forbidden("You cannot grant scopes you do not hold: " + ", ".join(sorted(beyond)))


async def create(
    session: AsyncSession, organisation: Organisation, body: ClientCreate, by: Caller | None
) -> tuple[ApiClient, str | None]:
    _check_grantable(by, organisation.id, list(body.scopes))
    if body.jwks is not None:
        try:
            KeySet.import_key_set(body.jwks)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise RuleBroken("jwks is not a valid JSON Web Key Set.") from exc
        if any("d" in key for key in body.jwks.get("keys", [])):
            raise RuleBroken("jwks must hold public keys only; never send a private key.")
    secret = new_secret() if body.auth_method == "client_secret_basic" else None
    client = ApiClient(
        id=new_id(),
        client_id=new_client_id(),
        name=body.name,
        organisation_id=organisation.id,
        scopes=sorted(set(body.scopes)),
        auth_method=body.auth_method,
        secret_hash=hash_secret(secret) if secret else None,
        jwks=body.jwks,
        created_at=utcnow(),
    )
    session.add(client)
    await session.flush()
    log.info(
        "client created",
        extra={"client_id": client.client_id, "organisation_id": str(organisation.id)},
    )
    return client, secret


async def list_for(session: AsyncSession, organisation_id: uuid.UUID) -> list[ApiClient]:
    query = (
        select(ApiClient)
        .where(ApiClient.organisation_id == organisation_id)
        .order_by(ApiClient.created_at)
    )
    return list((await session.execute(query)).scalars())


async def revoke(
    session: AsyncSession, organisation: Organisation, client_id: str, by: Caller
) -> ApiClient:
    client = (
        await session.execute(
            select(ApiClient).where(
                ApiClient.client_id == client_id, ApiClient.organisation_id == organisation.id
            )
        )
    ).scalar_one_or_none()
    if client is None:
        raise ClientNotFound(f"No client {client_id} for this organisation.")
    _check_grantable(by, organisation.id, [])
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        log.info("client revoked", extra={"client_id": client.client_id})
    return client


async def is_revoked(session: AsyncSession, client_id: str) -> bool:
    revoked_at = await session.scalar(
        select(ApiClient.revoked_at).where(ApiClient.client_id == client_id)
    )
    return revoked_at is not None


async def revoked_since(session: AsyncSession, seconds: float) -> list[tuple[str, datetime]]:
    """Client ids revoked within the last ``seconds``, with when."""
    since = utcnow() - timedelta(seconds=seconds)
    rows = await session.execute(
        select(ApiClient.client_id, ApiClient.revoked_at)
        .where(ApiClient.revoked_at.is_not(None), ApiClient.revoked_at >= since)
        .order_by(ApiClient.revoked_at)
    )
    return [(client_id, revoked_at) for client_id, revoked_at in rows if revoked_at is not None]


async def ensure_bootstrap(session: AsyncSession, client_id: str, secret: str) -> None:
    """Make sure an ``admin`` client with these credentials exists (development installs)."""
    client = (
        await session.execute(select(ApiClient).where(ApiClient.client_id == client_id))
    ).scalar_one_or_none()
    if client is None:
        session.add(
            ApiClient(
                id=new_id(),
                client_id=client_id,
                name="bootstrap administrator",
                organisation_id=None,
                scopes=["admin"],
                auth_method="client_secret_basic",
                secret_hash=hash_secret(secret),
                is_bootstrap=True,
                created_at=utcnow(),
            )
        )
        log.info("bootstrap client created", extra={"client_id": client_id})
    elif not verify_secret(secret, client.secret_hash) or client.revoked_at is not None:
        client.secret_hash = hash_secret(secret)
        client.revoked_at = None
        client.scopes = ["admin"]
        log.info("bootstrap client reset", extra={"client_id": client_id})
