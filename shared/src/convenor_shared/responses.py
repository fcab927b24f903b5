"""Responses serialised straight from their model.

FastAPI validates an endpoint's return value against its response model before serialising
it; for a model the service has just built from its own data, that second validation is most
of the cost of a fast read. A hot endpoint declares ``response_model=`` (so the OpenAPI
document is unchanged) and returns :func:`model_response`.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Response
from pydantic import BaseModel


def model_response(
    model: BaseModel, *, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """``model`` as an ``application/json`` response, serialised once by pydantic-core."""
    return Response(
        content=model.__pydantic_serializer__.to_json(model),
        status_code=status_code,
        headers=headers,
        media_type="application/json",
    )
