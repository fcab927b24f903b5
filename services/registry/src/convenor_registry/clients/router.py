from __future__ import annotations

import uuid

from fastapi import Request, Response

from convenor_registry.clients import service as clients_service
from convenor_registry.clients.schemas import ClientCreate, ClientCreated, ClientRead
from convenor_registry.deps import Writer, api_router
from convenor_registry.organisations import service as organisations_service
from convenor_shared.problems import Forbidden
from convenor_shared.routing import SessionDep

router = api_router("/v1/organisations/{organisation_id}/clients", "clients")


@router.get("", operation_id="clients_list")
async def list_clients(
    organisation_id: uuid.UUID, session: SessionDep, caller: Writer
) -> list[ClientRead]:
    """The organisation's API clients (never their secrets)."""
    organisation = await organisations_service.get(session, organisation_id)
    if not caller.is_admin and caller.organisation_id != organisation.id:
        raise Forbidden("Only an organisation (or an administrator) may list its clients.")
    rows = await clients_service.list_for(session, organisation.id)
    return [ClientRead.model_validate(row) for row in rows]


@router.post("", status_code=201, operation_id="clients_create")
async def create_client(
    organisation_id: uuid.UUID, body: ClientCreate, session: SessionDep, caller: Writer
) -> ClientCreated:
    """Create an API client; a ``client_secret`` is returned once, in this response only."""
    organisation = await organisations_service.get(session, organisation_id)
    client, secret = await clients_service.create(session, organisation, body, caller)
    created = ClientCreated.model_validate(client)
    created.client_secret = secret
    return created


@router.delete("/{client_id}", status_code=204, operation_id="clients_revoke")
async def revoke_client(
    organisation_id: uuid.UUID,
    client_id: str,
    session: SessionDep,
    caller: Writer,
    request: Request,
) -> Response:
    """Revoke a client: it can get no new token, and its tokens stop working here at once
    (other services stop accepting them when they expire, within the token lifetime)."""
    organisation = await organisations_service.get(session, organisation_id)
    await clients_service.revoke(session, organisation, client_id, caller)
    request.app.state.is_revoked.forget(client_id)
    return Response(status_code=204)
