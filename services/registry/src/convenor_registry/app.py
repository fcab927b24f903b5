"""The registry: the partnership landscape catalogue, the directory of organisations, and the
token issuer."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from convenor_registry import __version__
from convenor_registry.actions.router import router as actions_router
from convenor_registry.agenda.router import router as agenda_router
from convenor_registry.areas.router import router as areas_router
from convenor_registry.calendars.router import router as calendars_router
from convenor_registry.clients import service as clients_service
from convenor_registry.clients.router import router as clients_router
from convenor_registry.config import RegistrySettings, get_settings
from convenor_registry.history.router import router as history_router
from convenor_registry.landscape.router import router as landscape_router
from convenor_registry.meetings.router import router as meetings_router
from convenor_registry.memberships.router import router as memberships_router
from convenor_registry.models import IdempotencyKey
from convenor_registry.oauth.keys import SigningKeys
from convenor_registry.oauth.router import router as oauth_router
from convenor_registry.organisations.router import router as organisations_router
from convenor_registry.partnerships.router import router as partnerships_router
from convenor_registry.people.router import router as people_router
from convenor_registry.popolo.router import router as popolo_router
from convenor_registry.records import feed
from convenor_registry.reviews.router import router as reviews_router
from convenor_registry.revocation import RevocationCheck
from convenor_registry.spreadsheets.router import router as spreadsheets_router
from convenor_registry.strategies.router import router as strategies_router
from convenor_shared.app import ServiceSpec, create_service_app
from convenor_shared.jwks import StaticKeys
from convenor_shared.transactions import commit

MIGRATIONS = Path(__file__).parent / "migrations"

DESCRIPTION = """
The partnership landscape of a policing area: organisations and people, partnerships with
their footprint, hierarchy and relations, memberships, meetings and attendance, agendas,
decisions and the action log, strategies and their alignment to the Police and Crime Plan,
and reviews. Also the OAuth 2.0 token issuer for every Convenor service.

Errors are RFC 9457 problem details. Lists are cursor-paginated. Single resources carry an
ETag; send it back in `If-Match` to change them safely. `/v1/changes` is the change feed.
"""


def _signing_keys(settings: RegistrySettings) -> SigningKeys:
    active = Path(settings.signing_key) if settings.signing_key else None
    return SigningKeys(Path(settings.signing_key_dir), active)


def create_app(
    settings: RegistrySettings | None = None,
    *,
    http_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    keys = _signing_keys(settings)

    async def start(app: FastAPI) -> None:
        keys.ensure()
        app.state.signing_keys = keys
        app.state.is_revoked = RevocationCheck(app.state.database)
        if settings.bootstrap_client_id and settings.bootstrap_client_secret:
            async with app.state.database.session() as session:
                await clients_service.ensure_bootstrap(
                    session, settings.bootstrap_client_id, settings.bootstrap_client_secret
                )
                await commit(session)

    spec = ServiceSpec(
        name="registry",
        title="Convenor registry",
        version=__version__,
        description=DESCRIPTION,
        routers=[
            oauth_router,
            areas_router,
            organisations_router,
            clients_router,
            people_router,
            partnerships_router,
            memberships_router,
            meetings_router,
            agenda_router,
            actions_router,
            strategies_router,
            reviews_router,
            history_router,
            calendars_router,
            landscape_router,
            popolo_router,
            spreadsheets_router,
            feed.router("registry:read"),
        ],
        migrations=MIGRATIONS,
        idempotency_model=IdempotencyKey,
        autocommit_reads=True,
        key_source=lambda app: StaticKeys(keys.verification_keys),
        large_bodies={r"^/v1/import$": settings.max_import_bytes},
        on_startup=[start],
    )
    return create_service_app(spec, settings, http_transport=http_transport)
