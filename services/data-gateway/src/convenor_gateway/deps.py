"""Dependencies shared by the gateway's routers: scopes, the catalogue and the directory."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials

from convenor_gateway.catalogue.service import Catalogue
from convenor_gateway.directory import Directory
from convenor_gateway.runtime import Runtime
from convenor_gateway.webhooks.addresses import Resolver
from convenor_shared.auth import Caller, authenticate, bearer_scheme, require
from convenor_shared.problems import PROBLEM_RESPONSES, InsufficientScope
from convenor_shared.routing import TransactionalRoute

PARTNER_SCOPES = ("gateway:request", "gateway:respond")


def require_any(*scopes: str) -> Any:
    """A dependency that authenticates the caller and insists on one of ``scopes``."""

    async def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    ) -> Caller:
        caller = await authenticate(request, credentials.credentials if credentials else None)
        if not any(caller.has(scope) for scope in scopes):
            raise InsufficientScope(f"This operation needs one of the scopes {', '.join(scopes)}.")
        return caller

    dependency.__name__ = "require_" + "_or_".join(s.replace(":", "_") for s in scopes)
    return Depends(dependency)


async def get_catalogue(request: Request) -> Catalogue:
    catalogue: Catalogue = request.app.state.catalogue
    return catalogue


async def get_directory(request: Request) -> Directory:
    directory: Directory = request.app.state.directory
    return directory


Partner = Annotated[Caller, require_any(*PARTNER_SCOPES)]
# Raising a request is the requester's move, as submitting and withdrawing are.
Requester = Annotated[Caller, require("gateway:request")]
Auditor = Annotated[Caller, require("gateway:audit")]
CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
DirectoryDep = Annotated[Directory, Depends(get_directory)]


def api_router(prefix: str, tag: str) -> APIRouter:
    """A router whose requests run in one transaction and whose errors are documented."""
    return APIRouter(
        prefix=prefix, tags=[tag], route_class=TransactionalRoute, responses=PROBLEM_RESPONSES
    )


async def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_resolver(request: Request) -> Resolver:
    resolver: Resolver = request.app.state.resolver
    return resolver


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ResolverDep = Annotated[Resolver, Depends(get_resolver)]
