"""``Convenor-Catalogue-Version`` on every response, so any answer of the gateway can be traced
to the version of the legal-gateway catalogue that was in force when it was given."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"convenor-catalogue-version"


class CatalogueVersionHeader:
    def __init__(self, app: ASGIApp, version: str) -> None:
        self.app = app
        self.version = version.encode("ascii")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (HEADER, self.version)]
            await send(message)

        await self.app(scope, receive, send_with_version)
