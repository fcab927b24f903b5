"""The baseline of the read benchmark: a bare FastAPI GET returning a body of the same size."""

from __future__ import annotations

import json
import os

from fastapi import FastAPI, Response

BODY = os.environ.get("BARE_BODY", "{}").encode()


def create_app() -> FastAPI:
    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/partnerships/{partnership_id}")
    async def get(partnership_id: str) -> Response:
        return Response(BODY, media_type="application/json")

    @app.post("/v1/requests")
    async def post(body: dict) -> Response:  # type: ignore[type-arg]
        return Response(json.dumps(body).encode(), status_code=201, media_type="application/json")

    return app
